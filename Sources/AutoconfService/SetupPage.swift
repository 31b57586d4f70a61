/// The setup page served at `GET /` (docs/service.md): one HTML document with its style and
/// script inline — no build step, no external assets. It is the reference front end: type the
/// address, the servers fill in as the lookup streams; "Test and save" runs the login test;
/// "More settings" is the manual form, completed by discovery and tested the same way. Every
/// value from the server is inserted as text (textContent), never as HTML.
enum SetupPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Set up your mail account</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
  h1 { font-size: 1.5rem; }
  label { display: block; font-weight: 600; margin-top: .8rem; }
  input, select { font: inherit; padding: .35rem .5rem; width: 100%; box-sizing: border-box; border: 1px solid #767676; border-radius: 4px; }
  input[type=checkbox] { width: auto; }
  button { font: inherit; margin-top: 1rem; margin-right: .5rem; padding: .45rem 1rem; border-radius: 4px; border: 1px solid #0b57d0; background: #0b57d0; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #0b57d0; }
  button:disabled { opacity: .5; cursor: default; }
  :focus-visible { outline: 3px solid #f9a825; outline-offset: 2px; }
  fieldset { border: 1px solid #c4c4c4; border-radius: 6px; margin-top: 1.2rem; }
  legend { font-weight: 700; padding: 0 .3rem; }
  dl { display: grid; grid-template-columns: 10rem 1fr; gap: .2rem .8rem; margin: .4rem 0; }
  dt { color: #555; } dd { margin: 0; font-family: ui-monospace, monospace; }
  .note { color: #555; font-size: .92rem; }
  .warn { color: #8a4b00; } .bad { color: #b3261e; } .good { color: #146c2e; }
  #status { min-height: 1.5rem; margin-top: .8rem; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main>
<h1>Set up your mail account</h1>
<form id="account" novalidate>
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="email" inputmode="email" spellcheck="false" required aria-describedby="status">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>

  <div id="status" role="status" aria-live="polite"></div>

  <fieldset id="found" hidden>
    <legend>Your servers</legend>
    <h2 class="note" id="provider"></h2>
    <dl>
      <dt>Incoming server</dt><dd id="incoming-host"></dd>
      <dt>Protocol</dt><dd id="incoming-type"></dd>
      <dt>Port</dt><dd id="incoming-port"></dd>
      <dt>Security</dt><dd id="incoming-security"></dd>
      <dt>Username</dt><dd id="incoming-username"></dd>
      <dt>Outgoing server</dt><dd id="outgoing-host"></dd>
      <dt>Port</dt><dd id="outgoing-port"></dd>
      <dt>Security</dt><dd id="outgoing-security"></dd>
      <dt>Username</dt><dd id="outgoing-username"></dd>
      <dt>Trust</dt><dd id="trust"></dd>
    </dl>
    <p id="password-goes-to"></p>
    <p id="confirm-row" hidden>
      <input type="checkbox" id="accept"> <label for="accept" style="display:inline">I checked these servers: send my password to them</label>
    </p>
  </fieldset>

  <button type="submit" id="test">Test and save</button>
  <button type="button" id="more" class="secondary" aria-expanded="false" aria-controls="manual">More settings</button>

  <fieldset id="manual" hidden>
    <legend>More settings</legend>
    <p class="note">Fill in what you know; the rest is discovered. A server is <code>host</code> or <code>host:port</code>.</p>
    <label for="manual-protocol">Incoming protocol</label>
    <select id="manual-protocol"><option value="imap">IMAP</option><option value="pop3">POP3</option></select>
    <label for="manual-incoming">Incoming server</label>
    <input id="manual-incoming" spellcheck="false" autocomplete="off" placeholder="imap.example.com:993">
    <label for="manual-smtp">Outgoing (SMTP) server</label>
    <input id="manual-smtp" spellcheck="false" autocomplete="off" placeholder="smtp.example.com:465">
    <label for="manual-security">Security</label>
    <select id="manual-security">
      <option value="">Automatic</option><option value="ssl">SSL/TLS</option><option value="starttls">STARTTLS</option><option value="plain">None (unencrypted)</option>
    </select>
    <label for="manual-username">Username</label>
    <input id="manual-username" spellcheck="false" autocomplete="username">
  </fieldset>
</form>

<section id="result" aria-live="polite" hidden>
  <h2 id="result-title"></h2>
  <ul id="result-details"></ul>
</section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let controller = null, timer = null, current = null, lookupId = 0;

function say(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = kind || "";
}
function securityName(socket) {
  return { ssl: "SSL/TLS", starttls: "STARTTLS", plain: "None (unencrypted)" }[String(socket || "").toLowerCase()] || (socket || "");
}
function manualFields() {
  const fields = {};
  const incoming = $("manual-incoming").value.trim(), smtp = $("manual-smtp").value.trim();
  if (incoming) fields[$("manual-protocol").value] = incoming;
  if (smtp) fields.smtp = smtp;
  if ($("manual-security").value) fields.security = $("manual-security").value;
  if ($("manual-username").value.trim()) fields.username = $("manual-username").value.trim();
  return fields;
}
function looksLikeAddress(text) { return /^[^@\s]+@[^@\s]+\.[^@\s]{2,}$/.test(text); }

function show(doc, final) {
  current = doc;
  if (!doc.found) {
    $("found").hidden = true;
    if (final) say(doc.unsupported ? doc.unsupported.explanation : "We could not find the settings for this address. Use More settings to enter them.", "warn");
    return;
  }
  $("found").hidden = false;
  const name = doc.configuration && doc.configuration.displayName;
  $("provider").textContent = name ? name : "";
  for (const role of ["incoming", "outgoing"]) {
    const server = doc[role] || {};
    $(role + "-host").textContent = server.host || server.url || "—";
    $(role + "-port").textContent = server.port ? String(server.port) : "—";
    $(role + "-security").textContent = securityName(server.socket) || "—";
    $(role + "-username").textContent = server.username || "—";
  }
  $("incoming-type").textContent = (doc.incoming && doc.incoming.type || "").toUpperCase();
  const trust = doc.trust || {};
  const reasons = (trust.reasons || []).join(", ");
  $("trust").textContent = trust.level === "trusted" ? "trusted" : "needs your check" + (reasons ? " (" + reasons + ")" : "");
  $("trust").className = trust.level === "trusted" ? "good" : "warn";
  const domains = [];
  for (const role of ["incoming", "outgoing"]) {
    const domain = doc[role] && doc[role].registrableDomain;
    if (domain && !domains.includes(domain)) domains.push(domain);
  }
  $("password-goes-to").textContent = domains.length ? "Your password will be sent to " + domains.join(" and ") + "." : "";
  $("confirm-row").hidden = trust.level === "trusted";
  if (final) {
    say("Settings found" + (doc.provenance ? " (from " + doc.provenance.plugin + ")" : "") + (trust.level === "trusted" ? "." : ". Please check the servers before you send your password."), trust.level === "trusted" ? "good" : "warn");
  } else {
    say("Found settings, still checking other sources…");
  }
}

async function readError(response) {
  try { const body = await response.json(); if (body && body.error) return body.error; } catch (e) {}
  return "The server answered " + response.status + ".";
}

async function lookup() {
  const email = $("email").value.trim();
  if (controller) controller.abort();
  if (!looksLikeAddress(email)) { $("found").hidden = true; say(""); return; }
  controller = new AbortController();
  const id = ++lookupId;
  // encodeURIComponent, not URLSearchParams: a space must be %20 ("+" is a literal plus, as in alice+tag@).
  const fields = Object.assign({ email: email }, manualFields());
  const query = Object.keys(fields).map((key) => key + "=" + encodeURIComponent(fields[key])).join("&");
  say("Looking up the settings for " + email + "…");
  try {
    const response = await fetch("/v1/lookup/stream?" + query, { signal: controller.signal, headers: { Accept: "text/event-stream" } });
    if (!response.ok) { say(await readError(response), "bad"); return; }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
        let event = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (id !== lookupId) return;
        if (event === "answer") show(JSON.parse(data), false);
        else if (event === "result") show(JSON.parse(data), true);
        else if (event === "error") say(JSON.parse(data).error, "bad");
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") say("The lookup failed: " + error.message, "bad");
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(lookup, 350);
}

function report(title, kind, lines) {
  $("result").hidden = false;
  $("result-title").textContent = title;
  $("result-title").className = kind;
  const list = $("result-details");
  list.textContent = "";
  for (const line of lines) { const item = document.createElement("li"); item.textContent = line; list.appendChild(item); }
}

async function testAndSave(event) {
  event.preventDefault();
  const email = $("email").value.trim(), password = $("password").value;
  if (!looksLikeAddress(email)) { say("Please enter your email address.", "bad"); $("email").focus(); return; }
  if (!password) { say("Please enter your password.", "bad"); $("password").focus(); return; }
  $("test").disabled = true;
  say("Logging in to your servers…");
  try {
    const body = Object.assign({ email: email, password: password, accept: $("accept").checked }, manualFields());
    const response = await fetch("/v1/verify", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (response.status === 409) {
      $("confirm-row").hidden = false;
      say(await readError(response), "warn");
      $("accept").focus();
      return;
    }
    if (!response.ok) { say(await readError(response), "bad"); return; }
    const doc = await response.json();
    show(doc, true);
    const verification = doc.verification;
    if (!verification) { say("We could not find the settings for this address. Use More settings to enter them.", "warn"); return; }
    const lines = verification.servers.map((server) => {
      const where = server.host + ":" + server.port + " (" + server.type.toUpperCase() + ")";
      const auth = server.authentication || {};
      if (auth.status === "succeeded") return where + ": login works.";
      if (auth.status === "needs-oauth") return where + ": this provider needs you to sign in through its own page (OAuth2); a password is not accepted.";
      if (server.error) return where + ": " + server.error;
      return where + ": the server refused the login" + (auth.serverMessage ? ": " + auth.serverMessage : ".");
    });
    if (verification.succeeded) {
      report("Settings work and are saved.", "good", lines);
      say("Done.", "good");
    } else {
      report("The login did not work.", "bad", lines);
      say("The login did not work. Check your password, or the servers under More settings.", "bad");
    }
  } catch (error) {
    say("The login test failed: " + error.message, "bad");
  } finally {
    $("test").disabled = false;
  }
}

$("email").addEventListener("input", schedule);
for (const id of ["manual-incoming", "manual-smtp", "manual-security", "manual-username", "manual-protocol"]) $(id).addEventListener("change", lookup);
$("more").addEventListener("click", () => {
  const manual = $("manual"), open = manual.hidden;
  manual.hidden = !open;
  $("more").setAttribute("aria-expanded", String(open));
  if (open) $("manual-incoming").focus();
});
$("account").addEventListener("submit", testAndSave);
</script>
</body>
</html>
"""#
}
