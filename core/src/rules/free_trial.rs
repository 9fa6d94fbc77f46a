//! Free trials: public, a whole number of days, the same quantity for every grant.

use super::Subject;
use crate::model::terms::TermType;
use crate::values::Slot;
use crate::violation::{Code, Violation};

pub(super) fn check(s: &Subject, out: &mut Vec<Violation>) {
    let o = s.offer;
    let Some(trial) = o.term(TermType::FreeTrialPricing) else { return };
    let duration_problem = match &trial.duration {
        None => Some("the free trial has no length; give Duration in days, such as P30D".to_owned()),
        Some(Slot::Filled(d)) => match d.value.and_then(|v| v.whole_days()) {
            Some(0) => Some(format!("free trial length \"{}\" is zero days", d.text)),
            Some(_) => None,
            None => Some(format!("free trial length \"{}\" is not a whole number of days such as P30D", d.text)),
        },
        Some(Slot::Placeholder(_)) => None,
    };
    if let Some(message) = duration_problem {
        let at = if trial.duration.is_some() { trial.at.at("Duration") } else { trial.at.as_str().to_owned() };
        out.push(Violation::new(Code::FreeTrialDurationInvalid, at, message));
    }
    if o.targets_buyers() {
        let at = o
            .targeting
            .as_ref()
            .and_then(|t| t.positive.as_ref())
            .map_or_else(|| o.at.clone(), |p| p.at.key("BuyerAccounts"));
        out.push(Violation::new(
            Code::FreeTrialNotPublic,
            at.as_str(),
            "a free trial is a public offer: remove the buyer accounts, or make a private offer instead",
        ));
    }
    let grants = trial.grant_list();
    let quantity = |g: &crate::model::terms::Grant| g.max_quantity.as_ref().and_then(Slot::filled).copied();
    if let Some(first) = grants.first() {
        for grant in grants.iter().skip(1).filter(|g| quantity(g) != quantity(first)) {
            let show = |q: Option<i64>| q.map_or_else(|| "none".to_owned(), |q| q.to_string());
            let at =
                if grant.max_quantity.is_some() { grant.at.at("MaxQuantity") } else { grant.at.as_str().to_owned() };
            out.push(Violation::new(
                Code::FreeTrialGrantsInvalid,
                at,
                format!(
                    "every free-trial grant has the same MaxQuantity: this one has {}, the first has {}",
                    show(quantity(grant)),
                    show(quantity(first))
                ),
            ));
        }
    }
}
