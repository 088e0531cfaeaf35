// GET /docs: every endpoint of the service's own /openapi.json with its parameters, request and response schemas and
// examples, and a form that sends POST / and shows the answer's status, headers and bytes. Plain JavaScript, nothing
// loaded from anywhere but this service.
(function () {
  'use strict';

  const F = window.FCGICheck;
  const el = F.el;
  const t = F.t;
  const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  const REFERENCE_REQUEST = {
    name: 'c1',
    members: [
      { node_id: 1, name: 'm1', host: '172.16.70.101', port: 5432 },
      { node_id: 2, name: 'm2', host: '172.16.70.102', port: 5432 },
      { node_id: 3, name: 'm3', host: '172.16.70.103', port: 5432 },
    ],
  };
  let documentJSON = null;

  function resolve(reference) {
    if (typeof reference !== 'string' || reference.indexOf('#/') !== 0) return null;
    return reference.slice(2).split('/').reduce(function (node, key) {
      return node && node[key.replace(/~1/g, '/').replace(/~0/g, '~')];
    }, documentJSON);
  }

  function refName(reference) {
    return reference.split('/').pop();
  }

  function typeText(schema) {
    if (!schema) return '';
    if (schema.$ref) return refName(schema.$ref);
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (schema.type === 'array') return t('docs.array_of') + ' ' + typeText(schema.items || {});
    if (Array.isArray(schema.type)) return schema.type.join(' | ');
    if (schema.type) return schema.type + (schema.format ? ' (' + schema.format + ')' : '');
    const alternatives = schema.oneOf || schema.anyOf;
    if (alternatives) return alternatives.map(typeText).join(' | ');
    return '';
  }

  // A schema as nested lists: each property with its type, whether required, its description and enum values;
  // components behind $ref fold into <details> (keyboard-operable), and a cycle stops at its name.
  function schemaView(schema, seen, withoutType) {
    seen = seen || [];
    if (!schema) return el('span');
    if (schema.$ref) {
      const name = refName(schema.$ref);
      if (seen.indexOf(name) >= 0) return el('code', null, name);
      return el('details', { class: 'schema-ref' },
        el('summary', null, el('code', null, name)),
        schemaView(resolve(schema.$ref), seen.concat([name])));
    }
    const box = el('div', { class: 'schema' });
    if (schema.description) box.appendChild(F.prose(schema.description));
    const kind = el('p', { class: 'muted' }, typeText(schema));
    if (!withoutType && kind.textContent) box.appendChild(kind);
    if (Array.isArray(schema.enum)) {
      box.appendChild(el('p', null, t('docs.values') + ': ',
        schema.enum.map(function (value, index) {
          return [index ? ', ' : '', el('code', null, JSON.stringify(value))];
        })));
    }
    if (schema.type === 'array' && schema.items) box.appendChild(schemaView(schema.items, seen));
    const alternatives = schema.oneOf || schema.anyOf;
    if (alternatives) {
      box.appendChild(el('p', null, t('docs.one_of') + ':'));
      box.appendChild(el('ul', null, alternatives.map(function (each) { return el('li', null, schemaView(each, seen)); })));
    }
    const properties = schema.properties || {};
    const required = schema.required || [];
    const names = Object.keys(properties);
    if (names.length) {
      box.appendChild(el('ul', { class: 'properties' }, names.map(function (name) {
        const property = properties[name];
        return el('li', null,
          el('code', null, name), ' ',
          el('span', { class: 'muted' }, typeText(property)),
          required.indexOf(name) >= 0 ? [' ', el('span', { class: 'badge' }, t('docs.required'))] : null,
          schemaView(property, seen, true));
      })));
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      box.appendChild(el('p', null, el('code', null, '{key}'), ' ', typeText(schema.additionalProperties)));
    }
    return box;
  }

  function exampleView(value) {
    return el('pre', { class: 'example', tabindex: '0' }, JSON.stringify(value, null, 2));
  }

  function examplesOf(media) {
    if (media.example !== undefined) return [media.example];
    if (media.examples) {
      return Object.keys(media.examples).map(function (key) { return media.examples[key].value; })
        .filter(function (value) { return value !== undefined; });
    }
    const schema = media.schema && media.schema.$ref ? resolve(media.schema.$ref) : media.schema;
    if (schema && schema.examples) return schema.examples;
    if (schema && schema.example !== undefined) return [schema.example];
    return [];
  }

  function contentView(content) {
    return Object.keys(content || {}).map(function (type) {
      const media = content[type];
      return el('div', { class: 'media' },
        el('p', null, el('code', null, type)),
        media.schema ? el('details', { class: 'schema-block' },
          el('summary', null, t('docs.schema') + ': ', el('code', null, typeText(media.schema))),
          schemaView(media.schema)) : null,
        examplesOf(media).map(function (example) {
          return el('details', { class: 'example-block' }, el('summary', null, t('docs.example')),
            typeof example === 'string' ? el('pre', { class: 'example', tabindex: '0' }, example)
              : exampleView(example));
        }));
    });
  }

  function parametersView(parameters) {
    if (!parameters || !parameters.length) return el('p', { class: 'muted' }, t('docs.no_parameters'));
    return el('div', { class: 'scroll' }, el('table', { class: 'list' },
      el('thead', null, el('tr', null,
        el('th', { scope: 'col' }, t('docs.param_name')),
        el('th', { scope: 'col' }, t('docs.param_in')),
        el('th', { scope: 'col' }, t('docs.param_schema')),
        el('th', { scope: 'col' }, t('docs.param_description')))),
      el('tbody', null, parameters.map(function (parameter) {
        if (parameter.$ref) parameter = resolve(parameter.$ref) || parameter;
        return el('tr', { 'data-parameter': parameter.name },
          el('td', null, el('code', null, parameter.name),
            parameter.required ? [' ', el('span', { class: 'badge' }, t('docs.required'))] : null),
          el('td', null, parameter.in),
          el('td', null, typeText(parameter.schema),
            parameter.schema && Array.isArray(parameter.schema.enum)
              ? [' (', parameter.schema.enum.map(function (value) { return JSON.stringify(value); }).join(', '), ')']
              : null),
          el('td', null, F.prose(parameter.description || ''),
            parameter.example !== undefined
              ? el('p', null, t('docs.example') + ': ', el('code', null, String(parameter.example))) : null));
      }))));
  }

  function responsesView(responses) {
    return el('div', { class: 'responses' }, Object.keys(responses || {}).map(function (status) {
      let response = responses[status];
      if (response.$ref) response = resolve(response.$ref) || response;
      const headers = response.headers || {};
      return el('div', { class: 'response', 'data-status': status },
        el('h5', null, el('span', { class: 'status status-' + status.charAt(0) }, status), ' ',
          F.prose(response.description || '').textContent),
        Object.keys(headers).length ? el('p', null, t('docs.headers') + ': ',
          Object.keys(headers).map(function (name, index) {
            return [index ? ', ' : '', el('code', null, name), headers[name].description
              ? ' (' + headers[name].description + ')' : ''];
          })) : null,
        contentView(response.content));
    }));
  }

  function operationView(path, method, operation) {
    const id = 'op-' + (operation.operationId || (method + path).replace(/[^A-Za-z0-9]+/g, '-'));
    const section = el('section', { class: 'operation panel', id: id, 'data-path': path, 'data-method': method.toUpperCase() },
      el('h3', null, el('span', { class: 'method method-' + method }, method.toUpperCase()), ' ',
        el('code', null, path), ' ', el('span', { class: 'summary' }, operation.summary || '')),
      F.prose(operation.description || ''),
      el('h4', null, t('docs.parameters')),
      parametersView(operation.parameters),
      operation.requestBody ? [el('h4', null, t('docs.request_body')),
        F.prose(operation.requestBody.description || ''), contentView(operation.requestBody.content)] : null,
      el('h4', null, t('docs.responses')),
      responsesView(operation.responses));
    if (path === '/' && method === 'post') section.appendChild(tryItView());
    return section;
  }

  // The "try it" form of POST /: the reference request, ?checks= and Accept-Language; the answer shown as it came.
  function tryItView() {
    const body = el('textarea', { id: 'try-body', rows: '10', spellcheck: 'false', autocomplete: 'off' });
    body.value = JSON.stringify(REFERENCE_REQUEST, null, 2);
    const checks = el('input', { type: 'text', id: 'try-checks', placeholder: 'check_os_version,check_swap' });
    const language = el('input', { type: 'text', id: 'try-language', placeholder: 'en' });
    const send = el('button', { type: 'submit', id: 'try-send', class: 'primary' }, t('docs.try_send'));
    const reset = el('button', { type: 'button', id: 'try-reset' }, t('docs.try_reset'));
    const status = el('p', { id: 'try-status-line', hidden: true },
      t('docs.try_status') + ': ', el('strong', { id: 'try-status' }));
    const details = el('ul', { id: 'try-details', class: 'error', hidden: true });
    const headers = el('pre', { id: 'try-headers', class: 'example', tabindex: '0', hidden: true });
    const output = el('pre', { id: 'try-output', class: 'example', tabindex: '0', hidden: true });
    const form = el('form', { id: 'try-form', class: 'try', novalidate: true },
      el('h4', null, t('docs.try_it')),
      el('label', { for: 'try-body', class: 'field-label' }, t('docs.try_body')), body,
      el('div', { class: 'row' },
        el('label', null, el('span', null, t('docs.try_checks')), checks),
        el('label', null, el('span', null, t('docs.try_language')), language)),
      el('div', { class: 'row' }, send, reset),
      el('div', { id: 'try-result', 'aria-live': 'polite' },
        status, details,
        el('h5', null, t('docs.try_headers')), headers,
        el('h5', null, t('docs.try_body_out')), output));
    reset.addEventListener('click', function () { body.value = JSON.stringify(REFERENCE_REQUEST, null, 2); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      const query = checks.value.trim() ? '?checks=' + encodeURIComponent(checks.value.trim()) : '';
      const requestHeaders = { 'Content-Type': 'application/json' };
      if (language.value.trim()) requestHeaders['Accept-Language'] = language.value.trim();
      status.hidden = false;
      document.getElementById('try-status').textContent = t('docs.try_sending');
      send.disabled = true;
      fetch('/' + query, { method: 'POST', headers: requestHeaders, body: body.value })
        .then(function (response) {
          return response.text().then(function (text) { return { response: response, text: text }; });
        })
        .then(function (answer) {
          document.getElementById('try-status').textContent =
            answer.response.status + ' ' + answer.response.statusText;
          const lines = [];
          answer.response.headers.forEach(function (value, name) { lines.push(name + ': ' + value); });
          headers.textContent = lines.join('\n');
          output.textContent = answer.text;
          headers.hidden = false;
          output.hidden = false;
          showDetails(details, answer.text);
        })
        .catch(function (error) {
          document.getElementById('try-status').textContent = t('common.error_network', [error.message]);
        })
        .finally(function () { send.disabled = false; });
    });
    return form;
  }

  // A 422's errors, one line each: where (loc) and what (msg).
  function showDetails(list, text) {
    list.textContent = '';
    let parsed = null;
    try { parsed = JSON.parse(text); } catch (ignored) { parsed = null; }
    const detail = parsed && parsed.detail;
    if (!Array.isArray(detail)) {
      list.hidden = true;
      return;
    }
    list.appendChild(el('li', { class: 'error-title' }, t('docs.try_details')));
    detail.forEach(function (entry) {
      list.appendChild(el('li', null, el('code', null, (entry.loc || []).join('.')), ': ', String(entry.msg)));
    });
    list.hidden = false;
  }

  function render() {
    const info = document.getElementById('info');
    info.textContent = '';
    const about = documentJSON.info || {};
    info.appendChild(el('h2', null, (about.title || '') + ' ', el('span', { class: 'muted' }, about.version || '')));
    info.appendChild(F.prose(about.description || ''));
    const list = document.getElementById('toc-list');
    const operations = document.getElementById('operations');
    list.textContent = '';
    operations.textContent = '';
    const fragment = document.createDocumentFragment();
    Object.keys(documentJSON.paths || {}).forEach(function (path) {
      const item = documentJSON.paths[path];
      METHODS.forEach(function (method) {
        if (!item[method]) return;
        const section = operationView(path, method, Object.assign({ parameters: item.parameters }, item[method]));
        fragment.appendChild(section);
        list.appendChild(el('li', null, el('a', { href: '#' + section.id, 'data-path': path },
          el('span', { class: 'method method-' + method }, method.toUpperCase()), ' ', el('code', null, path), ' ',
          item[method].summary || '')));
      });
    });
    operations.appendChild(fragment);
    document.getElementById('toc').hidden = false;
  }

  function load() {
    fetch('/openapi.json', { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (loaded) {
        documentJSON = loaded;
        return F.ready;
      })
      .then(render)
      .catch(function (error) {
        F.ready.finally(function () {
          document.getElementById('docs-status').textContent = t('docs.load_failed', [error.message]);
        });
      });
  }

  // The document is in English; the page's own words follow the language chosen. The form keeps what was typed.
  F.onLanguageChange(function () {
    if (!documentJSON) return;
    const kept = ['try-body', 'try-checks', 'try-language'].map(function (id) {
      const field = document.getElementById(id);
      return field ? field.value : null;
    });
    render();
    ['try-body', 'try-checks', 'try-language'].forEach(function (id, index) {
      const field = document.getElementById(id);
      if (field && kept[index] !== null) field.value = kept[index];
    });
  });

  load();
})();
