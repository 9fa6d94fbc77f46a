//! Random sequences of scheduler runs, replacements, cancellations and terminations over
//! random installment plans, holding the lifecycle's invariants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, reason = "tests")]

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use offerdesk_core::context::AgreementStatus;
use offerdesk_core::document::read_offer;
use offerdesk_core::json::Json;
use offerdesk_core::lifecycle::*;
use offerdesk_core::pointer::{KeyStyle, Ptr};
use offerdesk_core::read::Reader;
use offerdesk_core::Code;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const BUYER: &str = "111122223333";

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
}

fn noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap())
}

/// A released contract offer (or an agreement-based one replacing `replaces`) with
/// installments `days` after `from`, of the given cents.
fn offer(id: &str, from: NaiveDate, charges: &[(u64, u32)], replaces: Option<&str>) -> OfferRecord {
    let schedule: Vec<_> = charges
        .iter()
        .map(|(days, cents)| {
            json!({"chargeDate": from.checked_add_days(Days::new(*days)).unwrap().to_string(),
                   "chargeAmount": Decimal::new(i64::from(*cents), 2).to_string()})
        })
        .collect();
    let mut doc = json!({
        "state": "released", "name": id,
        "targeting": {"positiveTargeting": {"buyerAccounts": [BUYER]}},
        "availabilityEndDate": from.checked_add_days(Days::new(30)).unwrap().to_string(),
        "pricingModel": "Contract",
        "terms": [
            {"type": "FixedUpfrontPricingTerm", "currencyCode": "USD", "price": "0", "grants": [{"dimensionKey": "Users", "maxQuantity": 10}]},
            {"type": "ValidityTerm", "agreementDuration": "P36M"},
            {"type": "PaymentScheduleTerm", "currencyCode": "USD", "schedule": schedule}
        ]
    });
    match replaces {
        Some(agreement) => {
            doc["agreementId"] = json!(agreement);
            doc["terms"][1] = json!({"type": "ValidityTerm", "agreementEndDate": from.checked_add_days(Days::new(900)).unwrap().to_string()});
        }
        None => doc["productId"] = json!("prod-1"),
    }
    let model = read_offer(&mut Reader::default(), &Json::from(&doc), Ptr::root(KeyStyle::Camel)).unwrap();
    OfferRecord { state: OfferState::Released, ..OfferRecord::new_draft(id, model) }
}

#[derive(Debug, Clone)]
enum Command {
    /// A scheduler run (twice: a repeat or a concurrent run must change nothing).
    Tick {
        twice: bool,
    },
    Replace(Vec<(u64, u32)>),
    BuyerCancels,
    Terminate,
    AcceptAnotherContract,
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        4 => any::<bool>().prop_map(|twice| Command::Tick { twice }),
        2 => charges().prop_map(Command::Replace),
        1 => Just(Command::BuyerCancels),
        1 => Just(Command::Terminate),
        1 => Just(Command::AcceptAnotherContract),
    ]
}

/// 1 to 6 installments, each 1 to 120 days after the previous one.
fn charges() -> impl Strategy<Value = Vec<(u64, u32)>> {
    proptest::collection::vec((1u64..120, 1u32..1_000_000), 1..6).prop_map(|gaps| {
        let mut day = 0;
        gaps.into_iter()
            .map(|(gap, cents)| {
                day += gap;
                (day, cents)
            })
            .collect()
    })
}

struct World {
    agreements: BTreeMap<String, AgreementRecord>,
    current: String,
    events: Vec<Event>,
    terminal: BTreeMap<String, AgreementStatus>,
}

impl World {
    fn tick(&mut self, now: DateTime<Utc>) {
        for a in self.agreements.values_mut() {
            let (next, events) = advance(a, now);
            *a = next;
            self.events.extend(events);
        }
    }

    fn check(&mut self, today: NaiveDate) -> Result<(), TestCaseError> {
        let mut invoiced = BTreeSet::new();
        for e in self.events.iter().filter(|e| e.kind == EventType::InstallmentInvoiced) {
            prop_assert!(
                invoiced.insert(e.data["installmentId"].as_str().unwrap().to_owned()),
                "invoiced twice: {}",
                e.id
            );
        }
        let mut in_force = 0;
        for a in self.agreements.values() {
            let status = status_at(a, today);
            prop_assert!(
                a.invoiced_total() <= a.commit(),
                "{} invoiced {} of {}",
                a.id,
                a.invoiced_total(),
                a.commit()
            );
            if status == AgreementStatus::Replaced {
                prop_assert!(
                    a.installments.iter().all(|i| i.state != InstallmentState::Pending),
                    "{} replaced with pending installments",
                    a.id
                );
            }
            if let Some(before) = self.terminal.get(&a.id) {
                prop_assert_eq!(*before, status, "{} left a terminal status", &a.id);
            } else if status.is_terminal() {
                self.terminal.insert(a.id.clone(), status);
            }
            // Every invoiced installment was announced by exactly one event, and no other was.
            for i in &a.installments {
                prop_assert_eq!(i.state == InstallmentState::Invoiced, invoiced.contains(&i.id), "{}", &i.id);
            }
            if offerdesk_core::lifecycle::in_force(a, today) {
                in_force += 1;
            }
        }
        prop_assert!(in_force <= 1, "{in_force} contracts in force for one buyer and product");
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn lifecycle_invariants_hold(first in charges(), steps in proptest::collection::vec((command(), 0u64..150), 1..25)) {
        let accepted = accept(&AcceptRequest {
            offer: &offer("offer-0", start(), &first, None),
            buyer_account_id: BUYER,
            agreement_id: "agmt-0",
            now: noon(start()),
            buyer_has_net_terms: true,
            buyer_agreements: &[],
            product: None,
            configuration: None,
        }).unwrap();
        let mut world = World {
            agreements: BTreeMap::from([(accepted.agreement.id.clone(), accepted.agreement)]),
            current: "agmt-0".into(),
            events: accepted.events,
            terminal: BTreeMap::new(),
        };
        let mut today = start();
        for (n, (command, gap)) in steps.into_iter().enumerate() {
            today = today.checked_add_days(Days::new(gap)).unwrap();
            let now = noon(today);
            let current = world.agreements[&world.current].clone();
            match command {
                Command::Tick { twice } => {
                    world.tick(now);
                    if twice {
                        let before = world.agreements.clone();
                        let events = world.events.len();
                        world.tick(now);
                        prop_assert_eq!(&before, &world.agreements, "a repeated run changed state");
                        prop_assert_eq!(events, world.events.len(), "a repeated run emitted events");
                    }
                }
                Command::Replace(charges) => {
                    let id = format!("agmt-{}", n + 1);
                    let upsell = offer(&format!("offer-{}", n + 1), today, &charges, Some(&current.id));
                    let existing: Vec<AgreementRecord> = world.agreements.values().cloned().collect();
                    let request = AcceptRequest {
                        offer: &upsell, buyer_account_id: BUYER, agreement_id: &id, now,
                        buyer_has_net_terms: true, buyer_agreements: &existing, product: None, configuration: None,
                    };
                    match accept(&request) {
                        Ok(done) => {
                            prop_assert!(matches!(status_at(&current, today), AgreementStatus::Active | AgreementStatus::Expiring));
                            let old = done.replaced.unwrap();
                            world.agreements.insert(old.id.clone(), old);
                            world.agreements.insert(id.clone(), done.agreement);
                            world.events.extend(done.events);
                            world.current = id;
                        }
                        Err(v) => {
                            prop_assert_eq!(v.code, Code::ReplacementAgreementNotActive);
                            prop_assert!(!matches!(status_at(&current, today), AgreementStatus::Active | AgreementStatus::Expiring));
                        }
                    }
                }
                Command::BuyerCancels => {
                    let (next, events) = cancel_agreement(&current, now);
                    world.agreements.insert(next.id.clone(), next);
                    world.events.extend(events);
                }
                Command::Terminate => {
                    let (next, events) = terminate_agreement(&current, "payment failed", now);
                    world.agreements.insert(next.id.clone(), next);
                    world.events.extend(events);
                }
                Command::AcceptAnotherContract => {
                    let other = offer(&format!("offer-other-{n}"), today, &[(1, 100)], None);
                    let id = format!("agmt-other-{n}");
                    let existing: Vec<AgreementRecord> = world.agreements.values().cloned().collect();
                    let result = accept(&AcceptRequest {
                        offer: &other, buyer_account_id: BUYER, agreement_id: &id, now,
                        buyer_has_net_terms: true, buyer_agreements: &existing, product: None, configuration: None,
                    });
                    // Every agreement here is for prod-1, replacements included.
                    prop_assert!(existing.iter().all(|a| a.product_id.as_deref() == Some("prod-1")));
                    let blocking = existing.iter().any(|a| {
                        offerdesk_core::lifecycle::in_force(a, today) || status_at(a, today) == AgreementStatus::PendingStart
                    });
                    match result {
                        Ok(done) => {
                            prop_assert!(!blocking, "a second contract was accepted");
                            world.agreements.insert(done.agreement.id.clone(), done.agreement);
                            world.events.extend(done.events);
                            world.current = id;
                        }
                        Err(v) => {
                            prop_assert!(blocking, "refused with nothing in force: {:?}", v);
                            prop_assert_eq!(v.code, Code::AcceptAlreadyActiveContract);
                        }
                    }
                }
            }
            world.check(today)?;
        }
    }
}
