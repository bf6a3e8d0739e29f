// RetroFHIR web recorder: injected into every frame; reports what the author does to window.__retrofhirRecord.
// Candidates follow Playwright's ranking (test id, role+name, label, placeholder, text, CSS, XPath).
// Password values never leave the page: only the fact that a secret was typed.
(() => {
  if (window.__retrofhirRecorder) return;
  window.__retrofhirRecorder = true;
  const OVERLAY_ID = '__retrofhir_overlay';
  const send = (payload) => {
    if (!window.__retrofhirRecord) return;
    payload.url = location.href;
    payload.title = document.title;
    payload.dom = document.documentElement.outerHTML;
    window.__retrofhirRecord(payload);
  };
  const clean = (text) => (text || '').replace(/\s+/g, ' ').trim();
  const inOverlay = (el) => !!(el && el.closest && el.closest('#' + OVERLAY_ID));
  const recorded = new WeakMap();
  // A modifier pressed on its own is the start of a chord (Alt+Shift+M, Ctrl+F5), not a key press of its own.
  const MODIFIERS = ['Control', 'Alt', 'Shift', 'Meta', 'AltGraph'];
  let picking = false;
  // Enter in a form field, or on a button, makes the browser click the form's button itself (a click with
  // detail 0): that click is the recorded key press's doing, not another action, until the key is released.
  let enterDown = false;

  const TEXT_TYPES = ['text', 'search', 'email', 'tel', 'url', 'number', 'date', 'password', ''];
  function implicitRole(el) {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (el.getAttribute('role')) return el.getAttribute('role');
    if (tag === 'a' && el.hasAttribute('href')) return 'link';
    if (tag === 'button' || (tag === 'input' && ['submit', 'button', 'image', 'reset'].includes(type))) return 'button';
    if (tag === 'input' && type === 'checkbox') return 'checkbox';
    if (tag === 'input' && type === 'radio') return 'radio';
    if (tag === 'select') return el.multiple ? 'listbox' : 'combobox';
    if (tag === 'textarea' || (tag === 'input' && TEXT_TYPES.includes(type) && type !== 'password')) return 'textbox';
    if (/^h[1-6]$/.test(tag)) return 'heading';
    return null;
  }
  function labelText(el) {
    if (el.labels && el.labels.length) return clean(el.labels[0].innerText);
    const by = el.getAttribute('aria-labelledby');
    if (by) return clean(by.split(/\s+/).map((id) => (document.getElementById(id) || {}).innerText || '').join(' '));
    return clean(el.getAttribute('aria-label'));
  }
  function accessibleName(el) {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || '').toLowerCase();
    const label = labelText(el);
    if (label) return label;
    if (tag === 'input' && ['submit', 'button', 'reset'].includes(type)) return clean(el.value);
    if (tag === 'input' && type === 'image') return clean(el.getAttribute('alt'));
    if (['a', 'button'].includes(tag) || /^h[1-6]$/.test(tag)) {
      const text = clean(el.innerText);
      if (text) return text;
      const img = el.querySelector('img[alt]');
      if (img) return clean(img.getAttribute('alt'));
    }
    return clean(el.getAttribute('title'));
  }
  function nearbyText(el) {
    return nearby(el).text;
  }
  // The closest label-like text before the element, and an XPath that finds the element from that text.
  function nearby(el) {
    const tag = el.tagName.toLowerCase();
    let node = el;
    for (let depth = 0; depth < 3 && node && node !== document.body; depth++) {
      let sibling = node.previousSibling;
      while (sibling) {
        if (sibling.nodeType === 1 && sibling.matches('input,select,textarea,button')) break;
        const text = clean(sibling.nodeType === 3 ? sibling.textContent : sibling.innerText);
        if (text && text.length <= 60) {
          const literal = quote(text);
          let anchored = null;
          if (literal && depth === 0 && sibling.nodeType === 3) {
            anchored = '//' + tag + '[parent::*[text()[normalize-space(.)=' + literal + ']]]';
          } else if (literal && depth === 0) {
            anchored = '//' + sibling.tagName.toLowerCase() + '[normalize-space(.)=' + literal + ']/following-sibling::' + tag + '[1]';
          } else if (literal && depth === 1 && sibling.nodeType === 1) {
            const parent = node.tagName.toLowerCase();
            anchored = '//' + sibling.tagName.toLowerCase() + '[normalize-space(.)=' + literal + ']/following-sibling::' + parent + '[1]//' + tag;
          }
          return { text: text, xpath: anchored };
        }
        if (text) break;
        sibling = sibling.previousSibling;
      }
      node = node.parentElement;
    }
    return { text: '', xpath: null };
  }
  function cellOf(el) { return el.closest('td,th'); }
  function columnHeader(el) {
    const cell = cellOf(el);
    if (!cell) return '';
    const table = cell.closest('table');
    const row = cell.parentElement;
    if (!table || !row || table.rows[0] === row) return '';
    const index = Array.prototype.indexOf.call(row.cells, cell);
    const header = table.rows[0].cells[index];
    return header ? clean(header.innerText) : '';
  }
  function inDataRow(el) {
    const cell = cellOf(el);
    if (!cell || !columnHeader(el)) return false;
    const table = cell.closest('table');
    if (table.rows[0].cells.length < 2) return false;
    return table.rows.length > 2 || table.rows[0] !== cell.parentElement;
  }
  const quote = (text) => (text.includes("'") ? (text.includes('"') ? null : '"' + text + '"') : "'" + text + "'");
  function cssPath(el) {
    const tag = el.tagName.toLowerCase();
    const generated = (text) => /\d{2,}|[0-9a-f]{6,}|^(ember|mui|react|ng|vue|css)-?/i.test(text);
    if (el.id && /^[A-Za-z][\w-]*$/.test(el.id) && !generated(el.id) && document.querySelectorAll('#' + el.id).length === 1) {
      return '#' + el.id;
    }
    const name = el.getAttribute('name');
    if (name && /^[\w-]+$/.test(name)) {
      const selector = tag + '[name=' + name + ']';
      if (document.querySelectorAll(selector).length === 1) return selector;
    }
    if (tag === 'input' && el.getAttribute('type') === 'image' && el.getAttribute('src')) {
      const file = el.getAttribute('src').split('/').pop();
      const selector = "input[type=image][src$='" + file + "']";
      if (/^[\w.-]+$/.test(file) && document.querySelectorAll(selector).length === 1) return selector;
    }
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1 && node !== document.documentElement) {
      let part = node.tagName.toLowerCase();
      const parent = node.parentElement;
      if (parent) {
        const same = Array.prototype.filter.call(parent.children, (child) => child.tagName === node.tagName);
        if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      }
      parts.unshift(part);
      node = parent;
    }
    return parts.join(' > ');
  }
  function xpath(el) {
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1) {
      const tag = node.tagName.toLowerCase();
      const parent = node.parentElement;
      let part = tag;
      if (parent) {
        const same = Array.prototype.filter.call(parent.children, (child) => child.tagName === node.tagName);
        if (same.length > 1) part += '[' + (same.indexOf(node) + 1) + ']';
      }
      parts.unshift(part);
      node = parent;
    }
    return '/' + parts.join('/');
  }
  function candidates(el, role, name, label) {
    const list = [];
    const testId = el.getAttribute('data-testid') || el.getAttribute('data-test-id');
    if (testId) list.push({ kind: 'test_id', value: testId });
    if (role && name) list.push({ kind: 'role', role: role, name: name });
    if (label) list.push({ kind: 'label', text: label });
    const placeholder = el.getAttribute('placeholder');
    if (placeholder) list.push({ kind: 'placeholder', text: clean(placeholder) });
    const tag = el.tagName.toLowerCase();
    const text = clean(el.innerText);
    if (!['input', 'select', 'textarea'].includes(tag) && text && text.length <= 60 && !(role && name === text)) {
      list.push({ kind: 'text', text: text });
    }
    const anchored = nearby(el).xpath;
    if (anchored) list.push({ kind: 'xpath', expression: anchored });
    list.push({ kind: 'css', selector: cssPath(el) });
    list.push({ kind: 'xpath', expression: xpath(el) });
    return list;
  }
  function valueOf(el) {
    const tag = el.tagName.toLowerCase();
    if (tag === 'select') { const option = el.options[el.selectedIndex]; return option ? option.text : ''; }
    if (tag === 'input' || tag === 'textarea') return el.value;
    return el.innerText;
  }
  function snakeCase(text) {
    return clean(text).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  }
  function describe(el) {
    const role = implicitRole(el);
    const name = accessibleName(el);
    const label = labelText(el);
    const rect = el.getBoundingClientRect();
    const header = columnHeader(el);
    const nearbyLabel = nearbyText(el);
    const tag = el.tagName.toLowerCase();
    const clickable = role === 'link' || role === 'button';
    const src = tag === 'input' && el.getAttribute('src') ? el.getAttribute('src').split('/').pop().split('.')[0] : '';
    const dataRow = inDataRow(el);
    const words = clickable && !dataRow
      ? [name, src, el.getAttribute('name'), label, nearbyLabel]
      : [label, header, nearbyLabel, el.getAttribute('name'), name, src, el.id, tag];
    const suggested = snakeCase(words.find((word) => word && snakeCase(word)) || tag);
    const cell = cellOf(el);
    return {
      tag: el.tagName.toLowerCase(),
      input_type: el.getAttribute('type') ? el.getAttribute('type').toLowerCase() : null,
      role: role,
      accessible_name: name || null,
      label: label || null,
      nearby_text: nearbyLabel || null,
      column_header: header || null,
      in_data_row: dataRow,
      column_index: cell && header ? Array.prototype.indexOf.call(cell.parentElement.cells, cell) + 1 : null,
      suggested_name: suggested || 'element',
      candidates: candidates(el, role, name, label),
      box: { x: Math.round(rect.x), y: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) },
    };
  }
  const isSecret = (el) => el.tagName === 'INPUT' && (el.type || '').toLowerCase() === 'password';
  function clickTarget(el) {
    return el.closest('a,button,input,select,textarea,label,summary,[role],[onclick]') || el;
  }
  function recordFill(el) {
    const tag = el.tagName.toLowerCase();
    const value = el.value;
    if (recorded.get(el) === value) return;
    recorded.set(el, value);
    if (tag === 'select') { send({ type: 'select', element: describe(el), value: valueOf(el) }); return; }
    send({ type: 'fill', element: describe(el), value: isSecret(el) ? null : value, secret: isSecret(el) });
  }
  function isTextEntry(el) {
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') || '').toLowerCase();
    return tag === 'textarea' || (tag === 'input' && TEXT_TYPES.includes(type));
  }

  document.addEventListener('click', (event) => {
    const el = event.target;
    if (!(el instanceof Element) || inOverlay(el)) return;
    if (picking) {
      event.preventDefault();
      event.stopPropagation();
      picking = false;
      askName(el);
      return;
    }
    const target = clickTarget(el);
    if (isTextEntry(target) || target.tagName === 'SELECT') return;
    if (enterDown && event.detail === 0) return;
    if (target.tagName === 'INPUT' && ['checkbox', 'radio'].includes(target.type)) {
      send({ type: 'check', element: describe(target), value: target.checked ? 'true' : 'false' });
      return;
    }
    document.querySelectorAll('input,textarea,select').forEach((field) => {
      if (!inOverlay(field) && isTextEntry(field) && recorded.get(field) !== field.value && field.value !== field.defaultValue) {
        recordFill(field);
      }
    });
    send({ type: 'click', element: describe(target) });
  }, true);
  document.addEventListener('change', (event) => {
    const el = event.target;
    if (!(el instanceof Element) || inOverlay(el)) return;
    if (isTextEntry(el) || el.tagName === 'SELECT') recordFill(el);
  }, true);
  document.addEventListener('keydown', (event) => {
    const el = event.target;
    if (event.altKey && event.shiftKey && event.code === 'KeyM') {
      event.preventDefault();
      askName(hovered || document.activeElement || el);
      return;
    }
    if (!(el instanceof Element) || inOverlay(el) || MODIFIERS.includes(event.key)) return;
    const special = ['Enter', 'Escape'].includes(event.key) || /^F\d+$/.test(event.key);
    if (!special && !(event.ctrlKey || event.altKey)) return;
    if (event.key === 'Enter' && isTextEntry(el)) recordFill(el);
    if (event.key === 'Enter') enterDown = true;
    const modifiers = ['Control', 'Alt', 'Shift'].filter((m) => event.getModifierState(m) && m !== event.key);
    send({ type: 'press', element: describe(el), key: modifiers.concat([event.key]).join('+') });
  }, true);
  document.addEventListener('keyup', (event) => { if (event.key === 'Enter') enterDown = false; }, true);
  document.addEventListener('mousedown', () => { enterDown = false; }, true);
  let hovered = null;
  document.addEventListener('mouseover', (event) => { if (!inOverlay(event.target)) hovered = event.target; }, true);

  function askName(el) {
    const panel = document.getElementById(OVERLAY_ID);
    const info = describe(el);
    if (!panel) { send({ type: 'field', element: info, name: info.suggested_name, value: clean(valueOf(el)) }); return; }
    const form = panel.querySelector('form');
    const input = form.querySelector('input');
    panel.querySelector('.status').textContent = 'Name this field:';
    form.style.display = 'inline';
    input.value = info.suggested_name;
    input.focus();
    input.select();
    form.onsubmit = (event) => {
      event.preventDefault();
      const name = snakeCase(input.value) || info.suggested_name;
      send({ type: 'field', element: info, name: name, value: clean(valueOf(el)) });
      form.style.display = 'none';
      panel.querySelector('.status').textContent = 'Field "' + name + '" marked';
    };
  }
  function overlay() {
    if (!document.body || document.getElementById(OVERLAY_ID) || window.innerWidth < 400 || window.innerHeight < 200) return;
    const panel = document.createElement('div');
    panel.id = OVERLAY_ID;
    panel.setAttribute('style', 'position:fixed;right:8px;bottom:8px;z-index:2147483647;background:#222;color:#fff;' +
      'font:12px sans-serif;padding:6px 8px;border-radius:4px;opacity:0.92');
    panel.innerHTML = '<span style="color:#f44">&#9679;</span> REC <button type="button" class="mark">Mark field</button> ' +
      '<span class="status">Alt+Shift+M names the hovered element</span> ' +
      '<form style="display:none"><input name="field_name" size="18"> <button type="submit">Save</button></form>';
    panel.querySelector('.mark').addEventListener('click', () => {
      picking = true;
      panel.querySelector('.status').textContent = 'Click the field to name it';
    });
    document.body.appendChild(panel);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', overlay);
  else overlay();
})();
