// The seller portal: builds an offer document from the form, checks it with the same rules
// as the CLI and the API on every keystroke, and shows each violation beside its field.
import { validate, timeline, exportChangeSet, importChangeSet } from "../npm/index.js";

const $ = (id) => document.getElementById(id);
const form = $("offer");
const rows = $("installments");

const isoDay = (date) => date.toISOString().slice(0, 10);
const addDays = (day, n) => { const d = new Date(`${day}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return isoDay(d); };
const addMonths = (day, n) => { const d = new Date(`${day}T00:00:00Z`); d.setUTCMonth(d.getUTCMonth() + n); return isoDay(d); };

// ---- installments ---------------------------------------------------------------------
function addInstallment(date = "", amount = "") {
  const tr = document.createElement("tr");
  const n = rows.children.length + 1;
  tr.innerHTML = `
    <td class="num">${n}</td>
    <td><input type="date" class="charge-date" aria-label="Charge date of installment ${n}" value="${date}"></td>
    <td><input class="charge-amount num" inputmode="decimal" aria-label="Amount of installment ${n}" value="${amount}"></td>
    <td><button type="button" class="link remove" aria-label="Remove installment ${n}">Remove</button></td>`;
  tr.querySelector(".remove").addEventListener("click", () => { tr.remove(); renumber(); check(); });
  rows.append(tr);
}

function renumber() {
  [...rows.children].forEach((tr, i) => {
    tr.firstElementChild.textContent = String(i + 1);
    tr.querySelector(".charge-date").setAttribute("aria-label", `Charge date of installment ${i + 1}`);
    tr.querySelector(".charge-amount").setAttribute("aria-label", `Amount of installment ${i + 1}`);
  });
}

// ---- the offer document ---------------------------------------------------------------
/** The offer document of the form, and what each of its terms is (to map paths back). */
function offerDocument() {
  const value = (id) => $(id).value.trim();
  const kind = value("kind");
  const buyers = value("buyers").split(/[\s,]+/).filter(Boolean);
  const termKinds = [];
  const terms = [];
  const term = (what, t) => { termKinds.push(what); terms.push(t); };
  const installments = [...rows.children].map((tr) => ({
    chargeDate: tr.querySelector(".charge-date").value,
    chargeAmount: tr.querySelector(".charge-amount").value.trim(),
  }));
  const doc = {
    state: $("release").checked ? "released" : "draft",
    name: value("name"),
    ...(value("description") ? { description: value("description") } : {}),
    ...(buyers.length ? { targeting: { positiveTargeting: { buyerAccounts: buyers } } } : {}),
    ...(value("expiry") ? { availabilityEndDate: value("expiry") } : {}),
  };
  if (kind === "cppo") {
    doc.resaleAuthorizationId = value("resaleAuthorizationId");
    doc.markup = { percentage: value("markup") };
  } else {
    doc.productId = value("productId");
    doc.pricingModel = "Contract";
    term("pricing", {
      type: "FixedUpfrontPricingTerm", currencyCode: value("currency"), price: value("price"),
      grants: [{ dimensionKey: value("dimension"), maxQuantity: Number(value("quantity")) }],
    });
  }
  const validity = { type: "ValidityTerm" };
  if (value("duration")) validity.agreementDuration = value("duration");
  if (value("start")) validity.agreementStartDate = value("start");
  if (value("end") && !value("duration")) validity.agreementEndDate = value("end");
  if (Object.keys(validity).length > 1) term("validity", validity);
  if (installments.length) term("schedule", { type: "PaymentScheduleTerm", currencyCode: value("currency"), schedule: installments });
  if (kind !== "cppo") {
    const eula = value("eula") === "custom" ? { type: "CustomEula", url: value("eulaUrl") } : { type: "StandardEula", version: "2022-07-14" };
    term("legal", { type: "LegalTerm", documents: [eula] });
    if (value("refund")) term("support", { type: "SupportTerm", refundPolicy: value("refund") });
  }
  doc.terms = terms;
  return { doc, termKinds };
}

/** The input a violation's JSON Pointer concerns: an element, or null for the whole offer. */
function fieldFor(path, termKinds) {
  const direct = {
    "/name": "name", "/description": "description", "/productId": "productId", "/availabilityEndDate": "expiry",
    "/resaleAuthorizationId": "resaleAuthorizationId", "/markup/percentage": "markup", "/markup": "markup",
  };
  if (direct[path]) return $(direct[path]);
  if (path.startsWith("/targeting")) return $("buyers");
  const m = path.match(/^\/terms\/(\d+)(.*)$/);
  if (!m) return null;
  const [, index, rest] = m;
  switch (termKinds[Number(index)]) {
    case "pricing":
      if (rest.endsWith("/maxQuantity")) return $("quantity");
      if (rest.includes("/grants")) return $("dimension");
      if (rest === "/currencyCode") return $("currency");
      return $("price");
    case "validity":
      if (rest === "/agreementStartDate") return $("start");
      if (rest === "/agreementEndDate") return $("end");
      return $("duration");
    case "schedule": {
      const row = rest.match(/^\/schedule\/(\d+)\/(chargeDate|chargeAmount)/);
      if (row) return rows.children[Number(row[1])]?.querySelector(row[2] === "chargeDate" ? ".charge-date" : ".charge-amount") ?? null;
      if (rest === "/currencyCode") return $("currency");
      return $("add-installment");
    }
    case "legal": return $("eula").value === "custom" ? $("eulaUrl") : $("eula");
    case "support": return $("refund");
    default: return null;
  }
}

// ---- showing violations -----------------------------------------------------------------
function clearProblems() {
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
  for (const p of form.querySelectorAll(".problem")) p.remove();
}

let problemCount = 0;
function showProblem(field, violation) {
  const p = document.createElement("p");
  p.className = "problem";
  p.id = `problem-${++problemCount}`;
  p.dataset.code = violation.code;
  p.innerHTML = `${escapeHtml(violation.message)} <code>${violation.code}</code>`;
  if (field === $("add-installment")) {
    $("problems-installments").append(p);
    return;
  }
  if (!field) {
    $("problems-general").append(p);
    return;
  }
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), p.id].filter(Boolean).join(" "));
  field.insertAdjacentElement("afterend", p);
}

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

// ---- checking and previewing ------------------------------------------------------------
function check() {
  const { doc, termKinds } = offerDocument();
  const report = validate(doc, { now: $("now").value || undefined });
  clearProblems();
  const list = $("all-problems");
  list.replaceChildren();
  for (const v of report.violations) {
    showProblem(fieldFor(v.path, termKinds), v);
    const li = document.createElement("li");
    li.innerHTML = `${escapeHtml(v.message)}<br><code>${v.code} · ${escapeHtml(v.path || "/")}${v.aws ? ` · AWS ${v.aws}` : ""}</code>`;
    list.append(li);
  }
  const n = report.violations.length;
  const summary = $("summary");
  summary.textContent = report.valid ? "AWS should accept this offer." : `${n} problem${n === 1 ? "" : "s"} to fix before sending it to AWS.`;
  summary.className = `summary ${report.valid ? "valid" : "invalid"}`;
  const status = $("status");
  status.textContent = report.valid ? "Valid" : `${n} problem${n === 1 ? "" : "s"}`;
  status.className = `status ${report.valid ? "valid" : "invalid"}`;
  preview(doc);
}

function preview(doc) {
  const t = timeline(doc, $("accepted").value || undefined);
  const facts = [["Starts", t.start], ["Ends", t.end ?? "—"], ["Total", t.invoices.length ? `${t.total} ${t.currency ?? ""}` : "—"]];
  $("facts").innerHTML = facts.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(String(v))}</dd>`).join("");
  $("invoices").innerHTML = t.invoices.map((i) => `<tr><td>${i.date}</td><td class="num">${escapeHtml(i.amount)}</td></tr>`).join("")
    || `<tr><td colspan="2" class="note">No invoices</td></tr>`;
  $("milestones").innerHTML = t.milestones.map((m) => `<li><strong>${m.date}</strong> — ${m.status}</li>`).join("");
}

// ---- change sets ------------------------------------------------------------------------
$("export").addEventListener("click", () => {
  const { changeSet, violations } = exportChangeSet(offerDocument().doc);
  $("changeset").value = changeSet ? JSON.stringify(changeSet, null, 2) : "";
  $("changeset-note").textContent = changeSet
    ? `${changeSet.ChangeSet.length} changes, ready for StartChangeSet.`
    : `Cannot export: ${violations.map((v) => v.message).join("; ")}`;
});

$("import").addEventListener("click", () => {
  const { offers, violations } = importChangeSet($("changeset").value);
  const offer = offers[0];
  if (!offer) {
    $("changeset-note").textContent = violations.length ? `Cannot import: ${violations[0].message} (${violations[0].path})` : "The change set has no offer.";
    return;
  }
  fill(offer);
  $("changeset-note").textContent = `Imported ${offer.name ? `"${offer.name}"` : "the offer"}${violations.length ? ` with ${violations.length} problem(s)` : ""}.`;
  check();
});

function fill(offer) {
  const set = (id, v) => { if (v !== undefined && v !== null) $(id).value = v; };
  const find = (type) => (offer.terms ?? []).find((t) => t.type === type);
  set("kind", offer.resaleAuthorizationId ? "cppo" : "direct");
  set("productId", offer.productId);
  set("resaleAuthorizationId", offer.resaleAuthorizationId);
  set("name", offer.name ?? "");
  set("description", offer.description ?? "");
  set("buyers", (offer.targeting?.positiveTargeting?.buyerAccounts ?? []).join("\n"));
  set("expiry", offer.availabilityEndDate ?? "");
  $("release").checked = offer.state === "released";
  const validity = find("ValidityTerm") ?? {};
  set("duration", validity.agreementDuration ?? "");
  set("start", validity.agreementStartDate ?? "");
  set("end", validity.agreementEndDate ?? "");
  const fixed = find("FixedUpfrontPricingTerm");
  if (fixed) {
    set("currency", fixed.currencyCode);
    set("price", fixed.price);
    set("dimension", fixed.grants?.[0]?.dimensionKey);
    set("quantity", fixed.grants?.[0]?.maxQuantity);
  }
  rows.replaceChildren();
  for (const c of find("PaymentScheduleTerm")?.schedule ?? []) addInstallment(c.chargeDate, c.chargeAmount);
  const doc = find("LegalTerm")?.documents?.[0];
  if (doc) { set("eula", doc.type === "CustomEula" ? "custom" : "standard"); set("eulaUrl", doc.url ?? ""); }
  set("refund", find("SupportTerm")?.refundPolicy ?? "");
  set("markup", offer.markup?.percentage);
  syncVisibility();
}

// ---- the API (when `offerdesk serve` serves this page) ---------------------------------
// The token comes from the address (`#token=...`, printed by scripts/run) or the field.
const api = async (method, path, body) => {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${$("token").value.trim()}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

async function listOffers() {
  const { status, body } = await api("GET", "/v1/offers");
  if (status !== 200) {
    $("api-note").textContent = body.violations?.[0]?.message ?? `The API answered ${status}.`;
    return;
  }
  $("offers").innerHTML = body.offers
    .map((o) => `<tr><td>${escapeHtml(o.document.name ?? o.id)}<br><code>${escapeHtml(o.id)}</code></td><td>${o.state}</td></tr>`)
    .join("") || `<tr><td colspan="2" class="note">No offers yet</td></tr>`;
}

async function save(release) {
  const { doc, termKinds } = offerDocument();
  if ($("kind").value === "cppo") {
    $("api-note").textContent = "A reseller makes channel partner offers from its resale authorization (POST /v1/resale-authorizations/{id}/offers).";
    return;
  }
  const draft = { ...doc, state: "draft" };
  let reply = await api("POST", "/v1/offers", draft);
  if (reply.status === 201 && release) reply = await api("POST", `/v1/offers/${reply.body.id}/release`);
  await listOffers();
  if (reply.status === 200 || reply.status === 201) {
    $("api-note").textContent = `Saved ${reply.body.id}: ${reply.body.state}, version ${reply.body.version}.`;
  } else {
    const violations = reply.body.violations ?? [];
    clearProblems();
    for (const v of violations) showProblem(fieldFor(v.path, termKinds), v);
    $("api-note").textContent = `The API refused it (${reply.status}): ${violations.map((v) => v.message).join("; ")}`;
  }
}

async function connectApi() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (token) $("token").value = token;
  const probe = await fetch("/v1/openapi.json").catch(() => null);
  if (!probe?.ok) return; // a static server: no API to talk to
  $("api").hidden = false;
  $("save").addEventListener("click", () => save(false));
  $("save-release").addEventListener("click", () => save(true));
  $("token").addEventListener("change", listOffers);
  if ($("token").value) await listOffers();
}

// ---- wiring -----------------------------------------------------------------------------
function syncVisibility() {
  const kind = $("kind").value;
  for (const el of document.querySelectorAll("[data-kind]")) el.hidden = el.dataset.kind !== kind;
  for (const el of document.querySelectorAll("[data-eula]")) el.hidden = el.dataset.eula !== $("eula").value;
}

let queued = false;
const recheck = () => {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => { queued = false; check(); });
};

$("add-installment").addEventListener("click", () => { addInstallment(); recheck(); });
for (const el of [form, $("now"), $("accepted")]) {
  el.addEventListener("input", () => { syncVisibility(); recheck(); });
  el.addEventListener("change", () => { syncVisibility(); recheck(); });
}

const today = isoDay(new Date());
$("now").value = today;
$("accepted").value = today;
$("expiry").value = addDays(today, 30);
addInstallment(addDays(today, 31), "24000.00");
addInstallment(addMonths(addDays(today, 31), 6), "24000.00");
syncVisibility();
check();
await connectApi();
document.body.dataset.ready = "true";
