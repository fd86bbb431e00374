/*
 * Demo sign-in for the demo page. Shows itself only when the server runs with AUTH_MODE=demo
 * (GET /api/v1/demo/persons answers 404 otherwise): pick a fictional demo person, get a
 * short-lived token and hand it to the widget with setIdentityToken. A plain script file,
 * because the page's CSP allows scripts from 'self' only.
 *
 * What a host page does (docs/widget.md): after a reload it hands the token again at once,
 * so the widget resumes the same signed-in conversation; and it answers the widget's
 * life-event-chat:sign-in event by showing its sign-in.
 */
/* global document, fetch, window, sessionStorage */
(function () {
  'use strict';

  var TOKEN_KEY = 'demo-sign-in:token';

  function remember(token) {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      /* storage blocked: no resume after a reload */
    }
  }

  function remembered() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }

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
            remember(body.token);
            status.textContent = 'Signed in as ' + body.name + '.';
            signOut.hidden = false;
            var chat = widget();
            if (chat && returnToChat) chat.open();
            returnToChat = false;
          } else {
            status.textContent = 'This widget build cannot take a sign-in yet.';
          }
        })
        .catch(function (err) {
          status.textContent = 'Sign-in failed: ' + err.message;
        });
    });
    signOut.hidden = !remembered();
    signOut.addEventListener('click', function () {
      remember(null);
      give(null);
      signOut.hidden = true;
      status.textContent = 'Signed out.';
    });

    label.append(select);
    form.append(label, signIn, signOut, status);
    host.append(form);

    // The widget asks for a sign-in ("my status" while signed out): close it (on a phone it
    // covers the page), show the sign-in, and reopen the chat once signed in.
    document.addEventListener('life-event-chat:sign-in', function () {
      var chat = widget();
      returnToChat = true;
      status.textContent = 'Choose a demo person and sign in.';
      Promise.resolve(chat && chat.close()).then(function () {
        select.focus();
      });
    });
  }

  var returnToChat = false;

  // After a reload: hand the token again at once, so the widget resumes the same conversation.
  var token = remembered();
  if (token) {
    if (!give(token)) {
      document.addEventListener(
        'life-event-chat:ready',
        function () {
          give(token);
        },
        { once: true },
      );
    }
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
