/*
 * Demo sign-in for the demo page. Shows itself only when the server runs with AUTH_MODE=demo
 * (GET /api/v1/demo/persons answers 404 otherwise): pick a fictional demo person, get a
 * short-lived token and hand it to the widget with setIdentityToken. A plain script file,
 * because the page's CSP allows scripts from 'self' only.
 */
/* global document, fetch, window */
(function () {
  'use strict';

  function widget() {
    return window.lifeEventChat || document.querySelector('life-event-chat');
  }

  function give(token) {
    var el = widget();
    if (el && typeof el.setIdentityToken === 'function') {
      el.setIdentityToken(token);
      return true;
    }
    return false;
  }

  function render(persons) {
    var host = document.getElementById('sign-in');
    if (!host) {
      host = document.createElement('div');
      host.id = 'sign-in';
      document.body.prepend(host);
    }
    var form = document.createElement('form');
    form.className = 'demo-sign-in';
    form.setAttribute('aria-label', 'Demo sign-in');

    var label = document.createElement('label');
    label.htmlFor = 'demo-person';
    label.textContent = 'Demo sign-in: ';
    var select = document.createElement('select');
    select.id = 'demo-person';
    persons.forEach(function (p) {
      var option = document.createElement('option');
      option.value = p.id;
      option.textContent = p.name + (p.lifeEvents.length ? ' — ' + p.lifeEvents.join(', ') : '');
      select.append(option);
    });
    var signIn = document.createElement('button');
    signIn.type = 'submit';
    signIn.textContent = 'Sign in';
    var signOut = document.createElement('button');
    signOut.type = 'button';
    signOut.textContent = 'Sign out';
    signOut.hidden = true;
    var status = document.createElement('span');
    status.setAttribute('role', 'status');

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      status.textContent = '…';
      fetch('/api/v1/demo/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId: select.value }),
      })
        .then(function (res) {
          if (!res.ok) throw new Error('HTTP ' + res.status);
          return res.json();
        })
        .then(function (body) {
          if (give(body.token)) {
            status.textContent = 'Signed in as ' + body.name + '.';
            signOut.hidden = false;
          } else {
            status.textContent = 'This widget build cannot take a sign-in yet.';
          }
        })
        .catch(function (err) {
          status.textContent = 'Sign-in failed: ' + err.message;
        });
    });
    signOut.addEventListener('click', function () {
      give(null);
      signOut.hidden = true;
      status.textContent = 'Signed out.';
    });

    label.append(select);
    form.append(label, signIn, signOut, status);
    host.append(form);
  }

  fetch('/api/v1/demo/persons', { headers: { accept: 'application/json' } })
    .then(function (res) {
      return res.ok ? res.json() : null;
    })
    .then(function (body) {
      if (body && Array.isArray(body.persons) && body.persons.length > 0) render(body.persons);
    })
    .catch(function () {
      /* no demo sign-in on this server */
    });
})();
