const boxOf = (el) => ({x: el.offsetLeft, y: el.offsetTop, width: el.offsetWidth, height: el.offsetHeight});
function draggable(box) {
  box.addEventListener('mousedown', (event) => {
    event.preventDefault(); event.stopPropagation();
    const resizing = event.target.classList.contains('handle');
    const start = {x: event.clientX, y: event.clientY, box: boxOf(box)};
    const move = (e) => {
      const dx = e.clientX - start.x, dy = e.clientY - start.y;
      if (resizing) { box.style.width = Math.max(4, start.box.width + dx) + 'px'; box.style.height = Math.max(4, start.box.height + dy) + 'px'; }
      else { box.style.left = (start.box.x + dx) + 'px'; box.style.top = (start.box.y + dy) + 'px'; }
    };
    const up = () => { document.removeEventListener('mousemove', move); document.removeEventListener('mouseup', up); };
    document.addEventListener('mousemove', move); document.addEventListener('mouseup', up);
  });
}
document.querySelectorAll('.box').forEach(draggable);
document.querySelectorAll('.shot').forEach((shot) => {
  shot.addEventListener('mousedown', (event) => {
    if (!event.shiftKey) return;
    event.preventDefault();
    const rect = shot.getBoundingClientRect();
    const x0 = event.clientX - rect.left, y0 = event.clientY - rect.top;
    let box = shot.querySelector('.box.field');
    if (!box) { box = document.createElement('div'); box.className = 'box field'; box.innerHTML = '<div class="handle"></div>'; shot.appendChild(box); draggable(box); }
    Object.assign(box.style, {left: x0 + 'px', top: y0 + 'px', width: '4px', height: '4px'});
    const move = (e) => { box.style.width = Math.max(4, e.clientX - rect.left - x0) + 'px'; box.style.height = Math.max(4, e.clientY - rect.top - y0) + 'px'; };
    const up = () => { document.removeEventListener('mousemove', move); document.removeEventListener('mouseup', up); };
    document.addEventListener('mousemove', move); document.addEventListener('mouseup', up);
  });
});
async function post(url, body) {
  const response = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
  return [response.ok, await response.json()];
}
document.querySelectorAll('.tools').forEach((tools) => {
  const shot = document.querySelector('.shot[data-index="' + tools.dataset.index + '"]');
  tools.querySelectorAll('.ocr').forEach((button) => button.addEventListener('click', async () => {
    const box = shot.querySelector('.box.' + button.dataset.which);
    if (!box) { tools.querySelector('.ocr-result').textContent = 'no ' + button.dataset.which + ' box'; return; }
    const [, result] = await post('{{ base }}/recordings/{{ meta.name }}/ocr', {screenshot: shot.dataset.screenshot, ...boxOf(box)});
    tools.querySelector('.ocr-result').textContent = result.text + ' (' + Math.round(result.confidence) + '%)';
  }));
  tools.querySelector('.use').addEventListener('click', async () => {
    const field = shot.querySelector('.box.field'), anchor = shot.querySelector('.box.anchor');
    const [ok, result] = await post('{{ base }}/maps/' + tools.querySelector('.map').value + '/locator', {
      screenshot: '{{ meta.name }}/' + shot.dataset.screenshot, screen: tools.querySelector('.screen').value,
      field: tools.querySelector('.field-name').value, field_box: field ? boxOf(field) : null,
      anchor_box: anchor ? boxOf(anchor) : null});
    const out = tools.querySelector('.use-result');
    out.className = 'use-result ' + (ok ? 'saved' : 'problems');
    out.textContent = ok ? 'saved: ' + result.locator : (result.problems || [result.detail]).join('\n');
  });
});
