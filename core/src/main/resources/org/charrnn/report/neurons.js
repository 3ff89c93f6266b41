/* The neuron view of "The Unreasonable Effectiveness of Recurrent Neural Networks": the text with
   each character's background coloured by one neuron (blue positive, red negative), the model's five
   likeliest next characters on hover, or under every character when `columns` is on.
   data = {text: [chars], cells: [{layer, index, spread, values}], top5: [[[char, p] x5] per char]}. */
const Neurons = (() => {
  const shown = c => c === "\n" ? "\u21b5" : c === " " ? "\u2423" : c === "\t" ? "\u21e5" : c;
  function colour(v) {
    const a = Math.min(1, Math.abs(v)).toFixed(3);
    return v >= 0 ? `rgba(30,100,230,${a})` : `rgba(220,40,20,${a})`;
  }
  function render(root, data, k, columns) {
    const cell = data.cells[k];
    root.textContent = "";
    root.className = columns ? "neurons columns" : "neurons";
    const frag = document.createDocumentFragment();
    data.text.forEach((ch, i) => {
      const box = document.createElement("span");
      box.className = "ch";
      box.dataset.i = i;
      const c = document.createElement("span");
      c.className = "c";
      c.textContent = ch === "\n" ? "\u21b5" : ch;
      c.style.background = colour(cell.values[i]);
      box.appendChild(c);
      if (columns) {
        const top = document.createElement("span");
        top.className = "top5";
        data.top5[i].forEach(([g, p]) => {
          const s = document.createElement("span");
          s.className = "guess";
          s.textContent = shown(g);
          s.style.background = `rgba(20,150,60,${p})`;
          top.appendChild(s);
        });
        box.appendChild(top);
      }
      frag.appendChild(box);
      if (ch === "\n") frag.appendChild(document.createElement("br"));
    });
    root.appendChild(frag);
  }
  /* A menu of the cells, a top-5 toggle and a hover tip, wired to render into root. */
  function attach(root, data, select, toggle, quantity) {
    select.textContent = "";
    data.cells.forEach((c, k) => {
      const o = document.createElement("option");
      o.value = k;
      o.textContent = `layer ${c.layer}, #${c.index} (spread ${c.spread})`;
      select.appendChild(o);
    });
    const draw = () => render(root, data, +select.value || 0, toggle.checked);
    select.onchange = draw;
    toggle.onchange = draw;
    let tip = document.querySelector(".neuron-tip");
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "neuron-tip";
      tip.style.display = "none";
      document.body.appendChild(tip);
    }
    root.onmouseover = e => {
      const box = e.target.closest(".ch");
      if (!box || toggle.checked) { tip.style.display = "none"; return; }
      const i = +box.dataset.i;
      const cell = data.cells[+select.value || 0];
      const lines = [`after ${JSON.stringify(data.text[i])}  ${quantity} = ${cell.values[i]}`, "next:"];
      data.top5[i].forEach(([g, p]) => lines.push(`  ${shown(g)}  ${(100 * p).toFixed(1).padStart(5)} %`));
      tip.textContent = lines.join("\n");
      const r = box.getBoundingClientRect();
      tip.style.left = `${window.scrollX + r.left}px`;
      tip.style.top = `${window.scrollY + r.bottom + 4}px`;
      tip.style.display = "block";
    };
    root.onmouseleave = () => { tip.style.display = "none"; };
    draw();
  }
  return { render, attach, colour };
})();
