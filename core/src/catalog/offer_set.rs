//! The OfferSet@1.0 change types: folding them into an `OfferSet`, and writing it back.

use super::offer::is_empty_object;
use super::{entity_change, Change, OFFER_SET};
use crate::model::offer_set::OfferSet;
use crate::model::{Located, Publication};
use crate::read::{Obj, Reader};
use serde_json::{Map, Value};

pub(super) fn apply(s: &mut OfferSet, c: &Change, r: &mut Reader) -> bool {
    let ct = c.change_type;
    let Some(mut d) = r.object(c.details, c.details_at.clone(), "DetailsDocument") else { return true };
    match ct {
        "CreateOfferSet" => {
            s.created = true;
            s.at = c.at.clone();
            s.name = d.located_string(r, "Name", true);
        }
        "UpdateInformation" => {
            if let Some(name) = d.located_string(r, "Name", false) {
                s.name = Some(name);
            }
            if let Some(notes) = d.located_string(r, "BuyerNotes", false) {
                s.buyer_notes = Some(notes);
            }
        }
        "AssociateOffers" => s.associate = read_offer_ids(r, &mut d),
        "DisassociateOffers" => s.disassociate = read_offer_ids(r, &mut d),
        "AssociateSolution" => s.associate_solution = d.located_string(r, "SolutionId", true),
        "DisassociateSolution" => s.disassociate_solution = d.located_string(r, "SolutionId", true),
        "ReleaseOfferSet" => {
            if !is_empty_object(c.details) {
                r.invalid(c.details_at, "ReleaseOfferSet takes an empty DetailsDocument, {}");
            }
            s.publication = Publication::Released;
            s.release_at = Some(c.at.clone());
        }
        _ => return false,
    }
    if !matches!(ct, "CreateOfferSet" | "ReleaseOfferSet") {
        s.updates.insert(ct.to_owned());
    }
    d.finish(r);
    true
}

fn read_offer_ids(r: &mut Reader, d: &mut Obj) -> Option<Located<Vec<Located<String>>>> {
    let (list, at) = d.require(r, "Offers")?;
    let items = r.array(list, &at, "Offers")?;
    let mut ids = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(mut o) = r.object(item, at.index(i), "an offer reference") else { continue };
        ids.extend(o.located_string(r, "OfferId", true));
        o.finish(r);
    }
    Some(Located::new(ids, at))
}

pub(super) fn export(s: &OfferSet) -> Vec<Value> {
    let id = s.id.as_deref();
    let change = |change_type: &str, details: Value| entity_change(OFFER_SET, id, s.created, change_type, details);
    let text = |l: &Located<String>| Value::String(l.value.clone());
    let mut out = Vec::new();
    // CreateOfferSet requires the name, so it always carries it.
    if s.created {
        let mut d = Map::new();
        if let Some(name) = &s.name {
            d.insert("Name".into(), text(name));
        }
        out.push(change("CreateOfferSet", Value::Object(d)));
    }
    if s.updates.contains("UpdateInformation") || (!s.created && s.name.is_some()) || s.buyer_notes.is_some() {
        let mut info = Map::new();
        if let Some(name) = &s.name {
            info.insert("Name".into(), text(name));
        }
        if let Some(notes) = &s.buyer_notes {
            info.insert("BuyerNotes".into(), text(notes));
        }
        out.push(change("UpdateInformation", Value::Object(info)));
    }
    for (change_type, ids) in [("AssociateOffers", &s.associate), ("DisassociateOffers", &s.disassociate)] {
        if let Some(ids) = ids {
            let offers = ids.value.iter().map(|id| {
                let mut m = Map::new();
                m.insert("OfferId".into(), text(id));
                Value::Object(m)
            });
            let mut d = Map::new();
            d.insert("Offers".into(), Value::Array(offers.collect()));
            out.push(change(change_type, Value::Object(d)));
        }
    }
    for (change_type, solution) in
        [("AssociateSolution", &s.associate_solution), ("DisassociateSolution", &s.disassociate_solution)]
    {
        if let Some(solution) = solution {
            let mut d = Map::new();
            d.insert("SolutionId".into(), text(solution));
            out.push(change(change_type, Value::Object(d)));
        }
    }
    if s.publication == Publication::Released {
        out.push(change("ReleaseOfferSet", Value::Object(Map::new())));
    }
    out
}
