// Shared by /docs and /ui: the page's texts in two languages (/assets/strings.json, the file the server renders the
// pages from), switching between them without a reload, and building DOM nodes from text alone (every text that
// came from the server or from a node is set as text, never parsed as markup).
(function () {
  'use strict';

  let strings = null;
  let language = document.documentElement.lang === 'en' ? 'en' : 'zh';
  const listeners = [];

  function format(text, values) {
    return text.replace(/\{(\d+)\}/g, function (whole, index) {
      return values && values[index] !== undefined ? String(values[index]) : whole;
    });
  }

  // A text of the current language; the key itself while the strings are not loaded.
  function t(key, values) {
    const table = strings && strings[language];
    return format(table && table[key] !== undefined ? table[key] : key, values);
  }

  function relabel() {
    document.documentElement.lang = t('lang');
    document.querySelectorAll('[data-t]').forEach(function (node) {
      node.textContent = t(node.getAttribute('data-t'));
    });
    document.querySelectorAll('[data-t-attr]').forEach(function (node) {
      node.getAttribute('data-t-attr').split(';').forEach(function (pair) {
        const parts = pair.split(':');
        if (parts.length === 2) node.setAttribute(parts[0], t(parts[1]));
      });
    });
    // The other page opens in the language chosen here.
    document.querySelectorAll('header nav a').forEach(function (link) {
      const url = new URL(link.getAttribute('href'), window.location.href);
      url.searchParams.set('lang', language);
      link.setAttribute('href', url.pathname + url.search);
    });
  }

  function setLanguage(next) {
    if (next !== 'zh' && next !== 'en') return;
    language = next;
    const select = document.getElementById('language');
    if (select) select.value = language;
    const url = new URL(window.location.href);
    url.searchParams.set('lang', language);
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    relabel();
    listeners.forEach(function (listener) { listener(language); });
  }

  // el('p', {class: 'x', 'data-id': 1}, 'text', child, ...): an element with attributes and children (strings become
  // text nodes; null and false are skipped).
  function el(tag, attributes) {
    const node = document.createElement(tag);
    if (attributes) {
      Object.keys(attributes).forEach(function (name) {
        const value = attributes[name];
        if (value === null || value === undefined || value === false) return;
        if (name === 'text') node.textContent = value;
        else node.setAttribute(name, value === true ? '' : String(value));
      });
    }
    for (let index = 2; index < arguments.length; index++) append(node, arguments[index]);
    return node;
  }

  function append(parent, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (each) { append(parent, each); });
    else parent.appendChild(typeof child === 'string' || typeof child === 'number'
      ? document.createTextNode(String(child)) : child);
  }

  // Text with `code` spans, paragraphs split on blank lines and "- " lines as lists: what the API description's
  // Markdown uses, and no more.
  function prose(text) {
    const fragment = document.createDocumentFragment();
    String(text || '').split(/\n\s*\n/).forEach(function (block) {
      const lines = block.split('\n');
      if (lines.every(function (line) { return /^\s*- /.test(line) || line.trim() === ''; })) {
        const list = el('ul');
        lines.filter(function (line) { return line.trim() !== ''; }).forEach(function (line) {
          list.appendChild(inline(el('li'), line.replace(/^\s*- /, '')));
        });
        fragment.appendChild(list);
      } else {
        fragment.appendChild(inline(el('p'), block));
      }
    });
    return fragment;
  }

  function inline(node, text) {
    text.split('`').forEach(function (part, index) {
      node.appendChild(index % 2 === 1 ? el('code', null, part) : document.createTextNode(part));
    });
    return node;
  }

  const ready = fetch('/assets/strings.json', { headers: { Accept: 'application/json' } })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(function (loaded) {
      strings = loaded;
      const select = document.getElementById('language');
      if (select) {
        select.value = language;
        select.addEventListener('change', function () { setLanguage(select.value); });
      }
      relabel();
      return language;
    });

  window.FCGICheck = {
    ready: ready,
    t: t,
    el: el,
    prose: prose,
    language: function () { return language; },
    onLanguageChange: function (listener) { listeners.push(listener); },
  };
})();
