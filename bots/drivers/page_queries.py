"""Locate and read many elements in one browser call: the page-side half of the web driver's batched lookups.

Each locator the page can resolve exactly as Playwright would is turned into a small spec (`page_spec`): XPath and
grid cells go through `document.evaluate` with Playwright's own rules (an absolute expression inside an element is
made relative to it; only element nodes count); CSS, test ids, placeholders and labels (Playwright's label rules:
aria-labelledby, aria-label, then the `<label>`s of a form control, text compared whitespace-collapsed) through
`querySelectorAll`, unless the document has open shadow roots (which Playwright pierces and the native query does
not); text locators by Playwright's text rules too (the smallest element holding the text). Role locators, whose
accessible-name rules are Playwright's own, have no spec, and neither has anything the page fails on: the driver
then finds that one locator the ordinary way, so a batch never changes what a locator matches.

One call answers, per locator: how many elements matched and, for exactly one, its box, its "auto" reading and its
reading as the field asks (`text`, `value`, `attribute:NAME`; null when only Playwright's own call gives the right
answer or error).
"""

from __future__ import annotations

import re
from typing import Any

from bots.locators import (
    CellLocator,
    CssLocator,
    DataTestIdLocator,
    LabelLocator,
    Locator,
    PlaceholderLocator,
    TextLocator,
    XPathLocator,
)

# Strings Playwright reads as something other than plain CSS: an engine prefix (`text=`, `id=`), XPath, quoted text,
# or a chain of selectors.
NOT_PLAIN_CSS = re.compile(r"^([a-zA-Z_0-9+:*-]+=|//|\.\.|[\"'])|>>")
TEST_ID_ATTRIBUTE = "data-testid"  # Playwright's default test id attribute, as `get_by_test_id` uses it

READ_ELEMENT = """el => {
  if (el.tagName === 'INPUT') {
    if (el.type === 'checkbox' || el.type === 'radio') return el.checked ? 'true' : 'false';
    return el.value;
  }
  if (el.tagName === 'TEXTAREA') return el.value;
  if (el.tagName === 'SELECT') { const o = el.options[el.selectedIndex]; return o ? o.text : ''; }
  return el.innerText;
}"""

_HELPERS = f"""
  const readAuto = {READ_ELEMENT};
  let shadow = null;
  const hasShadow = () => {{
    if (shadow === null) {{
      shadow = false;
      for (const el of document.querySelectorAll('*')) if (el.shadowRoot) {{ shadow = true; break; }}
    }}
    return shadow;
  }};
  const query = (root, spec) => {{
    const [kind, selector, value, exact] = spec;
    if (kind === 'xpath') {{
      const expression = selector.startsWith('/') && root.nodeType !== Node.DOCUMENT_NODE ? '.' + selector : selector;
      const found = [];
      const it = document.evaluate(expression, root, null, XPathResult.ORDERED_NODE_ITERATOR_TYPE);
      for (let node = it.iterateNext(); node; node = it.iterateNext()) {{
        if (node.nodeType === Node.ELEMENT_NODE) found.push(node);
      }}
      return found;
    }}
    if (hasShadow()) return null;
    if (kind === 'css') return Array.from(root.querySelectorAll(selector));
    if (kind === 'attr') {{
      const wanted = textMatcher(value, exact);
      return Array.from(root.querySelectorAll('[' + selector + ']')).filter(el => wanted(el.getAttribute(selector)));
    }}
    if (kind === 'text') return byText(root, textMatcher(normalize(selector), exact), exact);
    if (kind === 'label') {{
      const wanted = textMatcher(normalize(selector), exact);
      return Array.from(root.querySelectorAll('*')).filter(el => labelsOf(el).some(text => wanted(normalize(text))));
    }}
    return null;
  }};
  // Playwright's own text rules for labels: whitespace collapsed, zero-width characters dropped; exact means
  // equal, otherwise a case-insensitive substring.
  const normalize = text => text.replace(/[\\u200b\\u00ad]/g, '').trim().replace(/\\s+/g, ' ');
  const textMatcher = (wanted, exact) => exact
    ? text => text === wanted
    : text => text.toLowerCase().includes(wanted.toLowerCase());
  const skipped = el => ['SCRIPT', 'NOSCRIPT', 'STYLE'].includes(el.nodeName)
    || (document.head && document.head.contains(el));
  const textCache = new Map();
  const textOf = el => {{
    let text = textCache.get(el);
    if (text !== undefined) return text;
    text = '';
    if (skipped(el)) text = '';
    else if (el instanceof HTMLInputElement && ['submit', 'button', 'reset'].includes(el.type)) text = el.value;
    else {{
      for (let child = el.firstChild; child; child = child.nextSibling) {{
        if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue || '';
        else if (child.nodeType === Node.ELEMENT_NODE) text += textOf(child);
      }}
    }}
    textCache.set(el, text);
    return text;
  }};
  // Playwright's text engine: an element whose text matches counts unless one of its child elements matches too
  // (the smallest element holding the text wins); substring matching skips inside an element that did not match.
  const byText = (root, wanted, exact) => {{
    const matches = el => !skipped(el) && wanted(normalize(textOf(el)));
    const found = [];
    let lastMiss = null;
    const consider = el => {{
      if (!exact && lastMiss && lastMiss.contains(el)) return;
      if (!matches(el)) {{ lastMiss = el; return; }}
      for (let child = el.firstChild; child; child = child.nextSibling) {{
        if (child.nodeType === Node.ELEMENT_NODE && matches(child)) return;
      }}
      found.push(el);
    }};
    if (root.nodeType === Node.ELEMENT_NODE) consider(root);
    for (const el of root.querySelectorAll('*')) consider(el);
    return found;
  }};
  const labelledBy = el => {{
    if (el.ariaLabelledByElements) return [...el.ariaLabelledByElements];
    const ids = (el.getAttribute('aria-labelledby') || '').split(/[ \\t\\n\\f\\r]+/).filter(id => !!id);
    const found = [];
    for (const id of ids) {{
      const target = document.querySelector('#' + CSS.escape(id));
      if (target && !found.includes(target)) found.push(target);
    }}
    return found;
  }};
  const labelsOf = el => {{
    const refs = labelledBy(el);
    if (refs.length) return refs.map(textOf);
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel !== null && !!ariaLabel.trim()) return [ariaLabel];
    const labelled = ['BUTTON', 'METER', 'OUTPUT', 'PROGRESS', 'SELECT', 'TEXTAREA'].includes(el.nodeName)
      || (el.nodeName === 'INPUT' && el.type !== 'hidden');
    return labelled && el.labels ? [...el.labels].map(textOf) : [];
  }};
  const safeQuery = (root, spec) => {{ try {{ return query(root, spec); }} catch (e) {{ return null; }} }};
  const readAs = (el, how) => {{
    if (how === 'auto') return readAuto(el);
    if (how === 'text') return el instanceof HTMLElement ? el.innerText : null;
    if (how === 'value') return ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ? el.value : null;
    if (how.startsWith('attribute:')) return el.getAttribute(how.slice(10)) ?? '';
    return null;
  }};
  const boxOf = el => {{ const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }};
  const match = (root, item) => {{
    if (item === null) return null;
    const [spec, how] = item;
    const found = safeQuery(root, spec);
    if (found === null) return null;
    if (found.length !== 1) return [found.length];
    return [1, boxOf(found[0]), readAuto(found[0]), readAs(found[0], how)];
  }};
"""

# [[spec, how] | null, ...] -> per item: null (not evaluated), [count] or [1, box, auto reading, reading as asked]
MATCH_ALL = f"items => {{{_HELPERS}\n  return items.map(item => match(document, item));\n}}"

# [row specs, column items] -> null (find them one by one) or {{rank, rows: [[box, auto reading, column matches]]}}
MATCH_ROWS = f"""([rowSpecs, items]) => {{{_HELPERS}
  for (let rank = 0; rank < rowSpecs.length; rank++) {{
    const rows = safeQuery(document, rowSpecs[rank]);
    if (rows === null) return null;
    if (rows.length) return {{rank, rows: rows.map(row => [boxOf(row), readAuto(row), items.map(i => match(row, i))])}};
  }}
  return {{rank: -1, rows: []}};
}}"""

# [texts, specs] -> [title, readyState, text shown in this document per text, match count (or null) per spec]
PROBE = f"""([texts, specs]) => {{{_HELPERS}
  const body = texts.length && document.body ? document.body.innerText : null;
  const counts = specs.map(spec => {{
    const found = safeQuery(document, spec);
    return found === null ? null : found.length;
  }});
  return [document.title, document.readyState, texts.map(text => body !== null && body.includes(text)), counts];
}}"""


def page_spec(locator: Locator, cell_expression: str | None = None) -> list[Any] | None:
    """The page-side form of a locator, or None when only Playwright can resolve it faithfully."""
    if isinstance(locator, XPathLocator):
        return ["xpath", locator.expression, None, None]
    if isinstance(locator, CellLocator) and cell_expression is not None:
        return ["xpath", cell_expression, None, None]
    if isinstance(locator, CssLocator):
        return None if NOT_PLAIN_CSS.search(locator.selector.strip()) else ["css", locator.selector, None, None]
    if isinstance(locator, DataTestIdLocator):
        return ["attr", TEST_ID_ATTRIBUTE, locator.value, True]
    if isinstance(locator, PlaceholderLocator):
        return ["attr", "placeholder", locator.text, locator.exact]
    if isinstance(locator, LabelLocator):
        return ["label", locator.text, None, locator.exact]
    if isinstance(locator, TextLocator):
        return ["text", locator.text, None, locator.exact]
    return None
