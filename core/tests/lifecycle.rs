//! Offers and agreements walked through time: every lifecycle fact of RULES.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

mod support;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use offerdesk_core::context::{AgreementStatus, Context};
use offerdesk_core::document::read_offer;
use offerdesk_core::json::Json;
use offerdesk_core::lifecycle::*;
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_core::Code;
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn at(date: &str) -> DateTime<Utc> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
}

fn day(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap()
}

fn money(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn base(name: &str) -> Value {
    support::read_json(&support::fixtures_dir().join(format!("bases/{name}.json")))
}

/// A draft from an offer document, released at `now`.
fn released(id: &str, doc: &Value, now: &str) -> OfferRecord {
    let offer = read_offer(&mut Reader::default(), &Json::from(doc), Ptr::root(KeyStyle::Camel)).unwrap();
    let draft = OfferRecord::new_draft(id, offer);
    let (record, events) = release(&draft, at(now), &Context::default()).unwrap_or_else(|v| panic!("{v:#?}"));
    assert_eq!(kinds(&events), ["offer.released"]);
    record
}

fn kinds(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

fn request<'a>(
    offer: &'a OfferRecord,
    buyer: &'a str,
    id: &'a str,
    now: &str,
    existing: &'a [AgreementRecord],
) -> AcceptRequest<'a> {
    AcceptRequest {
        offer,
        buyer_account_id: buyer,
        agreement_id: id,
        now: at(now),
        buyer_has_net_terms: true,
        buyer_agreements: existing,
        product: None,
        configuration: None,
    }
}

const BUYER: &str = "111122223333";

#[test]
fn a_draft_is_released_edited_only_as_a_draft_and_cloned_in_any_state() {
    let offer = read_offer(&mut Reader::default(), &Json::from(&base("contract")), Ptr::root(KeyStyle::Camel)).unwrap();
    let draft = OfferRecord::new_draft("offer-1", offer.clone());
    let (edited, events) = edit(&draft, offer.clone(), at("2023-01-02")).unwrap();
    assert_eq!((edited.state, edited.version, kinds(&events)), (OfferState::Draft, 2, vec!["offer.updated"]));
    let (live, _) = release(&edited, at("2023-01-03"), &Context::default()).unwrap();
    assert_eq!(live.state, OfferState::Released);
    let refused = edit(&live, offer, at("2023-01-04")).unwrap_err();
    assert_eq!(refused[0].code, Code::OfferReleasedTermsLocked);
    let (copy, events) = clone_offer(&live, "offer-2", at("2023-01-04"));
    assert_eq!((copy.state, copy.id.as_str()), (OfferState::Draft, "offer-2"));
    assert_eq!(events[0].data["clonedFrom"], "offer-1");
}

#[test]
fn release_refuses_an_offer_that_breaks_rules() {
    let mut doc = base("contract");
    doc["terms"][2]["schedule"][1]["chargeDate"] = json!("2023-03-31");
    let offer = read_offer(&mut Reader::default(), &Json::from(&doc), Ptr::root(KeyStyle::Camel)).unwrap();
    let violations =
        release(&OfferRecord::new_draft("offer-1", offer), at("2023-01-01"), &Context::default()).unwrap_err();
    assert!(violations.iter().any(|v| v.code == Code::ScheduleMultipleOnOrBeforeExpiry), "{violations:#?}");
}

#[test]
fn an_offer_expires_the_day_after_its_expiry_and_only_once() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let (same, events) = expire_if_due(&offer, at("2023-03-31"));
    assert_eq!((same.state, events.len()), (OfferState::Released, 0));
    let (expired, events) = expire_if_due(&offer, at("2023-04-01"));
    assert_eq!((expired.state, kinds(&events)), (OfferState::Expired, vec!["offer.expired"]));
    assert!(expire_if_due(&expired, at("2023-04-02")).1.is_empty());
}

#[test]
fn cancel_works_until_acceptance() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let (cancelled, events) = cancel(&offer, at("2023-01-05")).unwrap();
    assert_eq!((cancelled.state, kinds(&events)), (OfferState::Cancelled, vec!["offer.cancelled"]));
    let accepted = accept(&request(&offer, BUYER, "agmt-1", "2023-01-05", &[])).unwrap().offer;
    assert_eq!(cancel(&accepted, at("2023-01-06")).unwrap_err()[0].code, Code::AcceptOfferNotOpen);
}

#[test]
fn the_expiry_may_move_up_to_the_next_installment_but_not_past_it() {
    // Charges on 2023-03-01 (before the expiry 2023-03-31) and 2023-09-01.
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let (moved, events) = extend_expiry(&offer, day("2023-08-31"), at("2023-02-01")).unwrap();
    assert_eq!(moved.offer.expiry(), Some(day("2023-08-31")));
    assert_eq!(events[0].data["previousExpiry"], "2023-03-31");
    let refused = extend_expiry(&offer, day("2023-09-01"), at("2023-02-01")).unwrap_err();
    assert_eq!(refused[0].code, Code::OfferExtendPastInstallment);
    assert!(refused[0].message.contains("2023-09-01"));
}

#[test]
fn acceptance_refuses_non_targeted_buyers_drafts_expired_offers_and_buyers_without_net_terms() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let refused = |r: AcceptRequest| accept(&r).unwrap_err().code;
    assert_eq!(refused(request(&offer, "999988887777", "a", "2023-01-02", &[])), Code::AcceptOfferNotFound);
    let draft = OfferRecord { state: OfferState::Draft, ..offer.clone() };
    assert_eq!(refused(request(&draft, BUYER, "a", "2023-01-02", &[])), Code::AcceptOfferNotOpen);
    assert_eq!(refused(request(&offer, BUYER, "a", "2023-04-01", &[])), Code::AcceptOfferExpired);
    let no_net_terms = AcceptRequest { buyer_has_net_terms: false, ..request(&offer, BUYER, "a", "2023-01-02", &[]) };
    assert_eq!(refused(no_net_terms), Code::AcceptNetTermsRequired);
    let accepted = accept(&request(&offer, BUYER, "a", "2023-03-31", &[])).unwrap();
    assert_eq!(refused(request(&accepted.offer, BUYER, "b", "2023-03-31", &[])), Code::AcceptOfferNotOpen);
}

#[test]
fn a_second_contract_on_a_product_is_refused_unless_it_starts_after_the_first_ends() {
    let first =
        accept(&request(&released("offer-1", &base("contract"), "2023-01-01"), BUYER, "agmt-1", "2023-01-02", &[]))
            .unwrap()
            .agreement;
    assert_eq!(first.end, Some(day("2024-01-02")));
    let existing = [first];
    let second = released("offer-2", &base("contract"), "2023-01-01");
    assert_eq!(
        accept(&request(&second, BUYER, "agmt-2", "2023-01-03", &existing)).unwrap_err().code,
        Code::AcceptAlreadyActiveContract
    );
    // Future-dated: accepted now, starting after the current contract ends.
    let mut later = base("contract");
    later["availabilityEndDate"] = json!("2023-12-31");
    later["terms"][1]["agreementStartDate"] = json!("2024-01-03");
    later["terms"][2]["schedule"] = json!([{"chargeDate": "2024-01-03", "chargeAmount": "10000.00"}]);
    let renewal = released("offer-3", &later, "2023-01-01");
    let accepted = accept(&request(&renewal, BUYER, "agmt-3", "2023-06-01", &existing)).unwrap();
    assert_eq!(status_at(&accepted.agreement, day("2023-06-01")), AgreementStatus::PendingStart);
    assert_eq!(accepted.agreement.start, day("2024-01-03"));
    // The current contract runs its course, then counts as renewed.
    let renewed = accepted.renewed.unwrap();
    assert_eq!(status_at(&renewed, day("2024-01-02")), AgreementStatus::Expiring);
    let (renewed, events) = advance(&renewed, at("2024-01-03"));
    // A late run: both installments still get invoiced, then the renewal is announced.
    assert_eq!(kinds(&events), ["installment.invoiced", "installment.invoiced", "agreement.renewed"]);
    assert_eq!(status_at(&renewed, day("2024-01-03")), AgreementStatus::Renewed);
    let (started, events) = advance(&accepted.agreement, at("2024-01-03"));
    assert_eq!(kinds(&events), ["installment.invoiced", "agreement.started"]);
    assert_eq!(status_at(&started, day("2024-01-03")), AgreementStatus::Active);
}

#[test]
fn a_mistake_in_a_released_offer_is_fixed_by_clone_edit_release_and_cancel() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let (copy, _) = clone_offer(&offer, "offer-2", at("2023-01-02"));
    let mut fixed = copy.offer.clone();
    fixed.name = Some(offerdesk_core::model::Located::new("Acme, corrected".to_owned(), Ptr::default()));
    let (copy, _) = edit(&copy, fixed, at("2023-01-02")).unwrap();
    let (copy, _) = release(&copy, at("2023-01-02"), &Context::default()).unwrap();
    let (old, events) = cancel(&offer, at("2023-01-02")).unwrap();
    assert_eq!(
        (old.state, copy.state, kinds(&events)),
        (OfferState::Cancelled, OfferState::Released, vec!["offer.cancelled"])
    );
    assert_eq!(accept(&request(&old, BUYER, "a", "2023-01-03", &[])).unwrap_err().code, Code::AcceptOfferNotOpen);
    assert!(accept(&request(&copy, BUYER, "a", "2023-01-03", &[])).is_ok());
}

#[test]
fn a_terminated_agreement_invoices_nothing_more_and_ended_ones_can_be_archived() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let a = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap().agreement;
    let (a, _) = advance(&a, at("2023-03-01"));
    let (still, events) = archive_agreement(&a, at("2023-03-02"));
    assert!(events.is_empty(), "an agreement in force is not archived");
    assert_eq!(still, a);
    let (a, events) = terminate_agreement(&a, "payment failed", at("2023-04-01"));
    assert_eq!(kinds(&events), ["installment.cancelled", "agreement.terminated"]);
    assert!(advance(&a, at("2023-09-02")).1.is_empty());
    let (a, events) = archive_agreement(&a, at("2023-05-01"));
    assert_eq!(kinds(&events), ["agreement.archived"]);
    assert_eq!(status_at(&a, day("2023-05-01")), AgreementStatus::Archived);
    assert_eq!(a.invoiced_total(), money("10000.00"));
}

#[test]
fn installments_are_invoiced_on_their_dates_exactly_once() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let accepted = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap();
    assert_eq!(kinds(&accepted.events), ["offer.accepted", "agreement.created"]);
    let a = accepted.agreement;
    let (a, events) = advance(&a, at("2023-02-28"));
    assert!(events.is_empty(), "nothing is due before the first charge date");
    let (a, events) = advance(&a, at("2023-03-01"));
    assert_eq!(kinds(&events), ["installment.invoiced"]);
    assert_eq!(events[0].data["amount"], "10000.00");
    assert_eq!(events[0].id, "agreement:agmt-1:installment.invoiced:agmt-1/installment/1");
    let (a2, again) = advance(&a, at("2023-03-01"));
    assert!(again.is_empty());
    assert_eq!(a2, a, "a repeated run changes nothing");
    let (a, events) = advance(&a, at("2023-12-31"));
    assert_eq!(kinds(&events), ["installment.invoiced", "agreement.expiring"]);
    assert_eq!(a.invoiced_total(), money("20000.00"));
}

#[test]
fn without_a_schedule_the_whole_commitment_is_invoiced_at_acceptance() {
    let offer = released("offer-1", &base("configurable"), "2023-01-01");
    let config = Configuration {
        selector_value: Some("P24M".into()),
        dimensions: vec![("Basic".into(), 10), ("Premium".into(), 2)],
    };
    let accepted =
        accept(&AcceptRequest { configuration: Some(&config), ..request(&offer, BUYER, "agmt-1", "2023-02-01", &[]) })
            .unwrap();
    assert_eq!(kinds(&accepted.events), ["offer.accepted", "agreement.created", "installment.invoiced"]);
    // 10 x 220.00 + 2 x 380.00 for 24 months.
    assert_eq!(accepted.agreement.invoiced_total(), money("2960.00"));
    assert_eq!(accepted.agreement.end, Some(day("2025-02-01")));
}

#[test]
fn due_lists_exactly_what_the_scheduler_must_do_and_when_to_come_back() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    assert_eq!(offer.next_due(), Some(day("2023-04-01")), "the day after the expiry");
    let a = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap().agreement;
    assert_eq!(a.next_due(day("2023-01-15")), Some(day("2023-03-01")), "the first installment");
    assert!(due(&a, at("2023-02-28")).is_empty());
    let work = due(&a, at("2023-03-01"));
    assert_eq!(kinds(&work), ["installment.invoiced"]);
    assert_eq!(due(&a, at("2023-03-01")), work, "asking does not do it");
    let (a, done) = advance(&a, at("2023-03-01"));
    assert_eq!(done, work);
    assert!(due(&a, at("2023-03-01")).is_empty());
    assert_eq!(a.next_due(day("2023-03-01")), Some(day("2023-09-01")));
    let (a, _) = advance(&a, at("2023-09-01"));
    assert_eq!(a.next_due(day("2023-09-01")), Some(day("2023-10-18")), "the first expiring day: 2024-01-15 - 89 days");
}

#[test]
fn agreement_status_follows_its_dates() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let a = accept(&request(&offer, BUYER, "agmt-1", "2023-02-01", &[])).unwrap().agreement;
    // Ends 2024-02-01; expiring from 89 days before (less than 90 days left).
    let expected = [
        ("2023-02-01", AgreementStatus::Active),
        ("2023-11-03", AgreementStatus::Active),
        ("2023-11-04", AgreementStatus::Expiring),
        ("2024-02-01", AgreementStatus::Expiring),
        ("2024-02-02", AgreementStatus::Expired),
    ];
    for (date, status) in expected {
        assert_eq!(status_at(&a, day(date)), status, "{date}");
    }
}

#[test]
fn a_late_scheduler_run_still_announces_every_status_in_order() {
    let mut doc = base("contract");
    doc["availabilityEndDate"] = json!("2023-03-31");
    doc["terms"][1]["agreementStartDate"] = json!("2023-03-01");
    let offer = released("offer-1", &doc, "2023-01-01");
    let a = accept(&request(&offer, BUYER, "agmt-1", "2023-01-10", &[])).unwrap().agreement;
    assert_eq!(a.next_due(day("2023-01-10")), Some(day("2023-03-01")));
    let (a, events) = advance(&a, at("2024-06-01"));
    assert_eq!(
        kinds(&events),
        [
            "installment.invoiced",
            "installment.invoiced",
            "agreement.started",
            "agreement.expiring",
            "agreement.expired"
        ]
    );
    assert_eq!(a.next_due(day("2024-06-01")), None);
}

#[test]
fn a_replacement_keeps_issued_invoices_cancels_pending_ones_and_applies_its_own_schedule() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let old = accept(&request(&offer, BUYER, "agmt-contract", "2023-01-15", &[])).unwrap().agreement;
    let (old, _) = advance(&old, at("2023-03-01")); // first 10000.00 invoiced
    let upsell = released("offer-2", &base("replacement"), "2023-03-02");
    let existing = [old];
    let done = accept(&request(&upsell, BUYER, "agmt-2", "2023-03-10", &existing)).unwrap();
    let replaced = done.replaced.unwrap();
    assert_eq!(status_at(&replaced, day("2023-03-10")), AgreementStatus::Replaced);
    assert_eq!(replaced.invoiced_total(), money("10000.00"), "issued invoices stay");
    assert!(replaced.installments.iter().all(|i| i.state != InstallmentState::Pending));
    assert_eq!(
        kinds(&done.events),
        ["offer.accepted", "agreement.created", "installment.cancelled", "agreement.replaced"]
    );
    let new = done.agreement;
    assert_eq!(
        (new.start, new.end, new.replaces.as_deref()),
        (day("2023-03-10"), Some(day("2024-01-31")), Some("agmt-contract"))
    );
    assert_eq!(new.commit(), money("5000.00"));
    // Only SaaS contracts can be replaced.
    let ami = offerdesk_core::context::Product {
        id: "prod-contract".into(),
        product_type: offerdesk_core::context::ProductType::Ami,
        pricing: Some(offerdesk_core::context::ProductPricing::Contract),
    };
    let refused =
        accept(&AcceptRequest { product: Some(&ami), ..request(&upsell, BUYER, "agmt-3", "2023-03-10", &existing) });
    assert_eq!(refused.unwrap_err().code, Code::ReplacementProductNotAmendable);
    // The replaced agreement invoices nothing more.
    let (_, events) = advance(&replaced, at("2023-12-31"));
    assert!(events.is_empty());
}

#[test]
fn an_upsell_without_schedule_is_invoiced_net_of_what_was_paid() {
    let mut doc = base("configurable");
    doc["terms"][0]["rateCards"] = json!([doc["terms"][0]["rateCards"][0]]);
    let offer = released("offer-1", &doc, "2023-01-01");
    let old = accept(&request(&offer, BUYER, "agmt-old", "2023-01-10", &[])).unwrap().agreement;
    assert_eq!(old.invoiced_total(), money("320.00"));
    let upsell = json!({
        "agreementId": "agmt-old", "state": "released", "name": "More seats", "availabilityEndDate": "2023-03-31",
        "pricingModel": "Contract",
        "terms": [
            {"type": "FixedUpfrontPricingTerm", "currencyCode": "USD", "price": "1000.00", "grants": [{"dimensionKey": "Basic", "maxQuantity": 10}]},
            {"type": "ValidityTerm", "agreementEndDate": "2024-01-10"},
            {"type": "LegalTerm", "documents": [{"type": "StandardEula", "version": "2022-07-14"}]}
        ]
    });
    // A replacement without schedule and with an upfront price: no FixedUpfront+schedule rule to satisfy here,
    // so it is built as a record directly rather than released through the rules.
    let record = OfferRecord {
        state: OfferState::Released,
        ..OfferRecord::new_draft(
            "offer-2",
            read_offer(&mut Reader::default(), &Json::from(&upsell), Ptr::root(KeyStyle::Camel)).unwrap(),
        )
    };
    let existing = [old];
    let done = accept(&request(&record, BUYER, "agmt-new", "2023-02-01", &existing)).unwrap();
    assert_eq!(done.agreement.invoiced_total(), money("680.00"), "1000.00 less the 320.00 already invoiced");
}

#[test]
fn a_replacement_that_expires_unaccepted_leaves_the_agreement_alone() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let old = accept(&request(&offer, BUYER, "agmt-contract", "2023-01-15", &[])).unwrap().agreement;
    let upsell = released("offer-2", &base("replacement"), "2023-01-16");
    let (expired, _) = expire_if_due(&upsell, at("2023-04-01"));
    assert_eq!(expired.state, OfferState::Expired);
    let existing = [old.clone()];
    assert_eq!(
        accept(&request(&expired, BUYER, "agmt-2", "2023-04-01", &existing)).unwrap_err().code,
        Code::AcceptOfferExpired
    );
    assert_eq!(status_at(&old, day("2023-04-01")), AgreementStatus::Active);
    assert_eq!(old.installments.iter().filter(|i| i.state == InstallmentState::Pending).count(), 2);
}

#[test]
fn a_buyer_cancellation_is_pending_then_cancelled_with_its_pending_installments() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let a = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap().agreement;
    let (a, _) = advance(&a, at("2023-03-01"));
    let (a, events) = cancel_agreement(&a, at("2023-04-01"));
    assert_eq!(kinds(&events), ["agreement.pending_cancel"]);
    assert_eq!(status_at(&a, day("2023-04-01")), AgreementStatus::PendingCancel);
    let (a, events) = advance(&a, at("2023-04-01"));
    assert_eq!(kinds(&events), ["installment.cancelled", "agreement.cancelled"]);
    assert_eq!(a.invoiced_total(), money("10000.00"));
    assert!(advance(&a, at("2023-09-01")).1.is_empty(), "a cancelled agreement invoices nothing");
}

#[test]
fn a_cancellation_stands_however_late_the_scheduler_completes_it() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let a = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap().agreement;
    let (a, _) = cancel_agreement(&a, at("2023-05-10"));
    // The next run comes after the agreement's end: what was due before the request is
    // invoiced, the rest cancelled, and the agreement is cancelled as of the request.
    let (a, events) = advance(&a, at("2024-02-01"));
    assert_eq!(kinds(&events), ["installment.invoiced", "installment.cancelled", "agreement.cancelled"]);
    assert_eq!(status_at(&a, day("2024-02-01")), AgreementStatus::Cancelled);
    assert_eq!(a.ending, Some(Ending::Cancelled { on: day("2023-05-10") }));
    assert_eq!(a.invoiced_total(), money("10000.00"));
    // And an agreement past its end cannot be cancelled any more.
    let b = accept(&request(&released("offer-2", &base("contract"), "2023-01-01"), BUYER, "agmt-2", "2023-01-15", &[]))
        .unwrap()
        .agreement;
    assert!(cancel_agreement(&b, at("2024-02-01")).1.is_empty());
}

#[test]
fn a_free_trial_ends_by_itself_after_its_days() {
    let offer = released("offer-1", &base("free-trial"), "2023-01-01");
    let accepted = accept(&request(&offer, BUYER, "agmt-1", "2023-01-10", &[])).unwrap();
    // A 30-day trial has less than 90 days left from its first day.
    assert_eq!(kinds(&accepted.events), ["offer.accepted", "agreement.created", "agreement.expiring"]);
    let a = accepted.agreement;
    assert!(a.installments.is_empty());
    assert_eq!(a.end, Some(day("2023-02-09")));
    assert!(advance(&a, at("2023-02-09")).1.is_empty(), "the trial's last day");
    let (a, events) = advance(&a, at("2023-02-10"));
    assert_eq!(kinds(&events), ["agreement.expired"]);
    assert_eq!(status_at(&a, day("2023-02-10")), AgreementStatus::Expired);
}

#[test]
fn an_offer_set_is_accepted_whole_or_not_at_all() {
    let set = base("offer-set");
    let a = released("offer-a", &set["offers"][0], "2023-01-01");
    let b = released("offer-b", &set["offers"][1], "2023-01-01");
    let both = accept_offer_set(&[
        request(&a, BUYER, "agmt-a", "2023-01-05", &[]),
        request(&b, BUYER, "agmt-b", "2023-01-05", &[]),
    ])
    .unwrap();
    assert_eq!(both.len(), 2);
    assert_ne!(both[0].agreement.id, both[1].agreement.id);
    let cancelled = cancel(&b, at("2023-01-02")).unwrap().0;
    let refused = accept_offer_set(&[
        request(&a, BUYER, "agmt-a", "2023-01-05", &[]),
        request(&cancelled, BUYER, "agmt-b", "2023-01-05", &[]),
    ]);
    assert_eq!(refused.unwrap_err()[0].code, Code::AcceptOfferNotOpen);
}

#[test]
fn the_timeline_previews_start_end_invoices_and_status_changes() {
    let offer = read_offer(&mut Reader::default(), &Json::from(&base("contract")), Ptr::root(KeyStyle::Camel)).unwrap();
    let t = timeline(&offer, at("2023-02-01"));
    assert_eq!((t.start, t.end), (day("2023-02-01"), Some(day("2024-02-01"))));
    let invoices: Vec<(NaiveDate, Decimal)> = t.invoices.iter().map(|i| (i.date, i.amount)).collect();
    assert_eq!(invoices, [(day("2023-03-01"), money("10000.00")), (day("2023-09-01"), money("10000.00"))]);
    assert_eq!(t.total, money("20000.00"));
    let milestones: Vec<(NaiveDate, AgreementStatus)> = t.milestones.iter().map(|m| (m.date, m.status)).collect();
    assert_eq!(
        milestones,
        [
            (day("2023-02-01"), AgreementStatus::Active),
            (day("2023-11-04"), AgreementStatus::Expiring),
            (day("2024-02-02"), AgreementStatus::Expired)
        ]
    );
}

#[test]
fn cppo_markups_match_hand_worked_figures() {
    use offerdesk_core::lifecycle::pricing::*;
    // 1000.00 + 5 % = 1050.00; 333.33 + 7.5 % = 358.32975, rounded half away from zero to 358.33.
    assert_eq!(with_markup(money("1000.00"), money("5"), "USD"), money("1050.00"));
    assert_eq!(with_markup(money("333.33"), money("7.5"), "USD"), money("358.33"));
    // 0.005 cents round away from zero: 10.00 + 0.05 % = 10.005 -> 10.01.
    assert_eq!(with_markup(money("10.00"), money("0.05"), "USD"), money("10.01"));
    // Yen have no minor unit: 1234 + 2.5 % = 1264.85 -> 1265.
    assert_eq!(with_markup(money("1234"), money("2.5"), "JPY"), money("1265"));
    // Custom payments of 1100 + 1100 over a wholesale 1000 + 1000: 10 % implied.
    assert_eq!(implicit_markup(&[money("1100"), money("1100")], &[money("1000"), money("1000")]), Some(money("10")));
    // 1000.00 + 1234.57 over 2000.00: 2234.57 / 2000 - 1 = 11.7285 %.
    assert_eq!(
        implicit_markup(&[money("1000.00"), money("1234.57")], &[money("1000"), money("1000")]),
        Some(money("11.7285"))
    );
    // 1000 over 3 x 333.33 = 999.99: 1000 / 999.99 - 1 = 0.0000100001..., so 0.001000010 % to 9 decimals.
    assert_eq!(implicit_markup(&[money("1000")], &[money("333.33"); 3]), Some(money("0.00100001")));
    assert_eq!(implicit_markup(&[money("5")], &[]), None);
    // Usage follows the markup, to 8 decimals: 0.12345678 x 1.10 = 0.135802458 -> 0.13580246.
    let prices = cppo_prices(
        &[money("1000.00"), money("1000.00")],
        &[money("0.12345678")],
        &Markup::CustomPayments(vec![money("1100.00"), money("1100.00")]),
        "USD",
    )
    .unwrap();
    assert_eq!(prices.markup_percent, money("10"));
    assert_eq!(prices.usage, [money("0.13580246")]);
    let by_percent =
        cppo_prices(&[money("333.33"), money("333.34")], &[], &Markup::Percentage(money("7.5")), "EUR").unwrap();
    assert_eq!(by_percent.charges, [money("358.33"), money("358.34")]);
}

#[test]
fn every_event_has_a_stable_id_and_a_webhook_shape() {
    let offer = released("offer-1", &base("contract"), "2023-01-01");
    let first = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap();
    let again = accept(&request(&offer, BUYER, "agmt-1", "2023-01-15", &[])).unwrap();
    assert_eq!(first.events, again.events, "the same acceptance computes the same events");
    let body = serde_json::to_value(&first.events[0]).unwrap();
    for key in ["id", "type", "occurredAt", "subject", "data"] {
        assert!(body.get(key).is_some(), "{key} missing from {body}");
    }
    assert_eq!(body["subject"], json!({"kind": "offer", "id": "offer-1"}));
}

/// The one-time authorization with installments from AWS's reference change sets, as a
/// stored draft.
fn authorization() -> AuthorizationRecord {
    let path = support::corpus_dir().join(
        "catalog_api__resale_authorization__publish_onetime_resale_authorization_flexible_payment__changeset.json",
    );
    let set = offerdesk_core::catalog::import(&Json::from(&support::read_json(&path)), &mut Reader::default());
    let mut ra = set.resale_authorizations().next().unwrap().clone();
    ra.publication = offerdesk_core::model::Publication::Draft;
    AuthorizationRecord { id: "resaleauthz-1".into(), authorization: ra, offers_created: 0, version: 1 }
}

fn cppo_request<'a>(buyers: &'a [String], markup: &'a pricing::Markup, now: &str) -> CppoRequest<'a> {
    CppoRequest { offer_id: "offer-cppo", buyers, expiry: day("2023-06-30"), markup, now: at(now) }
}

#[test]
fn a_one_time_authorization_makes_one_offer_and_a_restricted_one_none() {
    let context = Context::default();
    let env = offerdesk_core::rules::Env { today: day("2023-01-01"), context: &context };
    let draft = authorization();
    let buyers = vec![BUYER.to_owned()];
    let markup = pricing::Markup::Percentage(money("5"));
    assert_eq!(
        offer_from_authorization(&draft, &cppo_request(&buyers, &markup, "2023-01-02")).unwrap_err()[0].code,
        Code::ResaleAuthorizationNotUsable
    );
    let (live, _) = release_authorization(&draft, &env).unwrap();
    let ((offer, used), events) =
        offer_from_authorization(&live, &cppo_request(&buyers, &markup, "2023-01-02")).unwrap();
    assert_eq!((offer.state, used.offers_created, kinds(&events)), (OfferState::Draft, 1, vec!["offer.created"]));
    assert_eq!(offer.offer.resale_authorization_id.as_ref().map(|r| r.value.as_str()), Some("resaleauthz-1"));
    let again = offer_from_authorization(&used, &cppo_request(&buyers, &markup, "2023-01-03")).unwrap_err();
    assert!(again[0].message.contains("one-time"), "{}", again[0].message);
    let restricted = restrict_authorization(&live);
    assert!(offer_from_authorization(&restricted, &cppo_request(&buyers, &markup, "2023-01-02")).unwrap_err()[0]
        .message
        .contains("restricted"));
    assert_eq!(unusable_because(&live, day("2023-07-01")), Some("expired on 2023-06-30".to_owned()));
}

#[test]
fn an_authorization_for_named_buyers_refuses_others() {
    let mut record = authorization();
    record.authorization.publication = offerdesk_core::model::Publication::Released;
    record.authorization.terms.push(
        offerdesk_core::model::terms::read_term(
            &mut Reader::default(),
            &Json::from(&json!({"Type": "BuyerTargetingTerm", "PositiveTargeting": {"BuyerAccounts": [BUYER]}})),
            Ptr::default(),
            offerdesk_core::model::terms::Dialect::Catalog,
        )
        .unwrap(),
    );
    let markup = pricing::Markup::Percentage(money("5"));
    let others = vec!["999988887777".to_owned()];
    assert_eq!(
        offer_from_authorization(&record, &cppo_request(&others, &markup, "2023-01-02")).unwrap_err()[0].code,
        Code::ResaleBuyerNotAuthorized
    );
    let buyer = vec![BUYER.to_owned()];
    assert!(offer_from_authorization(&record, &cppo_request(&buyer, &markup, "2023-01-02")).is_ok());
}

#[test]
fn a_cppo_buyer_pays_the_wholesale_installments_plus_markup_or_custom_payments() {
    use offerdesk_core::model::terms::TermType;
    let ra = authorization().authorization;
    let amounts = |terms: &[offerdesk_core::model::terms::Term]| -> Vec<String> {
        let schedule = terms.iter().find(|t| t.is(TermType::PaymentSchedule)).unwrap();
        schedule.charges().iter().map(|c| c.charge_amount.as_ref().unwrap().filled().unwrap().text.clone()).collect()
    };
    // Wholesale installments 200.00 and 250.00; 5 % on each.
    let marked = buyer_terms(&ra, &pricing::Markup::Percentage(money("5")));
    assert_eq!(amounts(&marked), ["210.00", "262.50"]);
    assert!(marked.iter().any(|t| t.is(TermType::FixedUpfrontPricing)), "the grants come along");
    let custom = buyer_terms(&ra, &pricing::Markup::CustomPayments(vec![money("220.00"), money("275.00")]));
    assert_eq!(amounts(&custom), ["220.00", "275.00"]);
    // Rate cards follow the markup: 150 + 7.5 % = 161.25.
    let path =
        support::corpus_dir().join("catalog_api__resale_authorization__onetime_resaleauth_custom_eula__changeset.json");
    let set = offerdesk_core::catalog::import(&Json::from(&support::read_json(&path)), &mut Reader::default());
    let tiered = buyer_terms(set.resale_authorizations().next().unwrap(), &pricing::Markup::Percentage(money("7.5")));
    let card = &tiered.iter().find(|t| t.is(TermType::ConfigurableUpfrontPricing)).unwrap().rate_card_list()[0];
    assert_eq!(card.rates()[0].price.as_ref().unwrap().filled().unwrap().text, "161.25");
    // Custom payments must replace the installments one for one.
    let mut record = authorization();
    record.authorization.publication = offerdesk_core::model::Publication::Released;
    let buyers = vec![BUYER.to_owned()];
    let short = pricing::Markup::CustomPayments(vec![money("500.00")]);
    assert_eq!(
        offer_from_authorization(&record, &cppo_request(&buyers, &short, "2023-01-02")).unwrap_err()[0].code,
        Code::ResaleTermsMismatch
    );
}
