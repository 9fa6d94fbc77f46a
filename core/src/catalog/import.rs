//! Reading a change set: the request envelope, each change's header, the references
//! between changes, and the dispatch of each change to its entity's fold.

use super::{offer, offer_set, reference_name, resale, Change, ChangeSet, Entity, OtherEntity, RawChange};
use super::{OFFER, OFFER_SET, RESALE_AUTHORIZATION};
use crate::json::{Arena, Json};
use crate::model::offer::{Offer, OfferOrigin};
use crate::model::offer_set::OfferSet;
use crate::model::resale::ResaleAuthorization;
use crate::pointer::{KeyStyle, Ptr};
use crate::read::{Locate, Reader};
use crate::violation::{Code, Violation};
use serde_json::Value;

/// Reads a `StartChangeSet` request. Every problem found is reported; what could be read
/// is returned all the same, so the rules can still check it.
pub fn import(value: &Json, r: &mut Reader) -> ChangeSet {
    let mut set = ChangeSet::default();
    let Some(mut o) = r.object(value, Ptr::root(KeyStyle::Pascal), "a change set") else { return set };
    set.catalog = o.required_string(r, "Catalog");
    if let Some(catalog) = set.catalog.as_deref().filter(|c| *c != "AWSMarketplace") {
        r.invalid(&o.at.key("Catalog"), format!("Catalog must be \"AWSMarketplace\", not \"{catalog}\""));
    }
    set.change_set_name = o.string(r, "ChangeSetName");
    for key in ["ClientRequestToken", "ChangeSetTags", "Intent"] {
        if let Some(v) = o.raw(key) {
            set.request.push((key.to_owned(), v));
        }
    }
    let changes = o.require(r, "ChangeSet").and_then(|(v, at)| r.array(v, &at, "ChangeSet").map(|a| (a, at)));
    o.finish(r);
    if let Some((changes, at)) = changes {
        if changes.is_empty() {
            r.invalid(&at, "ChangeSet has no changes");
        }
        // Where `Details` given as JSON strings are parsed to.
        let arena = Arena::new();
        set.entities = Folder::default().fold(changes, &at, r, &arena);
    }
    set
}

/// The parts of a change that say what it applies to.
struct Header<'v> {
    /// Its index in `ChangeSet`.
    position: usize,
    at: Ptr,
    change_type: &'v str,
    change_name: Option<&'v str>,
    entity_type: &'v str,
    identifier: Option<(&'v str, Ptr)>,
    entity_tags: Option<&'v Json<'v>>,
    details: Option<(&'v Json<'v>, Ptr)>,
}

/// Which entity a change applies to: the one created by a named change, the one an
/// existing id names, or one created by an unnamed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum EntityKey<'v> {
    Named(&'v str),
    Unnamed(usize),
}

/// Change sets are small (AWS takes at most a few dozen changes), so the lookups below
/// are linear scans: cheaper than hashing at this size.
#[derive(Default)]
struct Folder<'v> {
    entities: Vec<Entity>,
    /// The entity index of each key.
    by_key: Vec<(EntityKey<'v>, usize)>,
    /// The position of the change that first made each change type to each entity.
    applied: Vec<((usize, &'v str), usize)>,
}

impl<'v> Folder<'v> {
    fn fold(mut self, changes: &'v [Json<'v>], at: &Ptr, r: &mut Reader, arena: &'v Arena) -> Vec<Entity> {
        let headers: Vec<Header<'v>> =
            changes.iter().enumerate().filter_map(|(i, c)| read_header(r, c, at.index(i), i, arena)).collect();
        let mut names: Vec<(&'v str, &Header)> = Vec::with_capacity(headers.len());
        for h in &headers {
            if let Some(name) = h.change_name {
                if names.iter().any(|(n, _)| *n == name) {
                    r.invalid(&h.at.key("ChangeName"), format!("ChangeName \"{name}\" is used by two changes"));
                } else {
                    names.push((name, h));
                }
            }
        }
        for (i, h) in headers.iter().enumerate() {
            let key = match &h.identifier {
                None => h.change_name.map_or(EntityKey::Unnamed(i), EntityKey::Named),
                Some((id, id_at)) => match reference_name(id) {
                    Some(name) if names.iter().any(|(n, c)| *n == name && c.identifier.is_none()) => {
                        EntityKey::Named(name)
                    }
                    Some(name) => {
                        r.report(Violation::new(
                            Code::DocumentUnknownReference,
                            id_at.as_str(),
                            format!("\"{id}\" refers to no change named \"{name}\" that creates an entity in this change set"),
                        ));
                        continue;
                    }
                    None => EntityKey::Named(id),
                },
            };
            check_detail_references(r, h, &names);
            self.apply(r, h, key);
        }
        self.entities
    }

    fn apply(&mut self, r: &mut Reader, h: &Header<'v>, key: EntityKey<'v>) {
        let is_create = h.change_type.starts_with("Create");
        if is_create && h.identifier.is_some() {
            r.invalid(
                &h.at.key("Entity").key("Identifier"),
                format!("{} creates an entity: it takes no Identifier", h.change_type),
            );
        }
        if !is_create && h.identifier.is_none() {
            r.invalid(&h.at.key("Entity"), format!("{} needs Entity.Identifier: the entity to change", h.change_type));
            return;
        }
        let index = match self.by_key.iter().find(|(k, _)| *k == key) {
            Some(&(_, index)) => index,
            None => {
                let id = match (&h.identifier, h.change_name) {
                    (Some((id, _)), _) => Some((*id).to_owned()),
                    (None, name) => name.map(str::to_owned),
                };
                let entity = new_entity(h, id);
                self.entities.push(entity);
                self.by_key.push((key, self.entities.len() - 1));
                self.entities.len() - 1
            }
        };
        let first = self.applied.iter().find(|(k, _)| *k == (index, h.change_type)).map(|(_, first)| *first);
        if first.is_none() {
            self.applied.push(((index, h.change_type), h.position));
        }
        if let Some(first) = first {
            if !matches!(self.entities.get(index), Some(Entity::Other(_))) {
                r.report(Violation::new(
                    Code::DocumentDuplicateChange,
                    h.at.at("ChangeType"),
                    format!(
                        "{} is already made to this entity by the change at /ChangeSet/{first}; merge the two",
                        h.change_type
                    ),
                ));
                return;
            }
        }
        let Some(entity) = self.entities.get_mut(index) else { return };
        let raw_change = |h: &Header| RawChange {
            change_type: h.change_type.to_owned(),
            change_name: h.change_name.map(str::to_owned),
            identifier: h.identifier.as_ref().map(|(id, _)| (*id).to_owned()),
            details: h.details.as_ref().map_or(Value::Null, |(d, _)| d.to_value()),
            entity_tags: h.entity_tags.map(Json::to_value),
        };
        if let Entity::Other(other) = entity {
            other.changes.push(raw_change(h));
            return;
        }
        let Some((details, details_at)) = &h.details else { return };
        let change = Change { change_type: h.change_type, at: &h.at, details, details_at };
        let known = match entity {
            Entity::Offer(o) => offer::apply(o, &change, r),
            Entity::ResaleAuthorization(ra) => resale::apply(ra, &change, r),
            Entity::OfferSet(s) => offer_set::apply(s, &change, r),
            Entity::Other(_) => true,
        };
        if !known {
            r.invalid(
                &h.at.key("ChangeType"),
                format!("unknown change type \"{}\" for {}", h.change_type, h.entity_type),
            );
        }
    }
}

fn new_entity(h: &Header, id: Option<String>) -> Entity {
    let at = h.at.clone();
    match h.entity_type {
        OFFER => Entity::Offer(Box::new(Offer { at, id, origin: OfferOrigin::Existing, ..Offer::default() })),
        RESALE_AUTHORIZATION => {
            Entity::ResaleAuthorization(Box::new(ResaleAuthorization { at, id, ..Default::default() }))
        }
        OFFER_SET => Entity::OfferSet(Box::new(OfferSet { at, id, ..Default::default() })),
        other => Entity::Other(OtherEntity { entity_type: other.to_owned(), changes: Vec::new() }),
    }
}

fn read_header<'v>(
    r: &mut Reader,
    value: &'v Json<'v>,
    at: Ptr,
    position: usize,
    arena: &'v Arena,
) -> Option<Header<'v>> {
    if value.get("ChangeSet").is_some() && value.get("ChangeType").is_none() {
        r.invalid(
            &at,
            "this change is wrapped in a second \"ChangeSet\" array: a change has ChangeType, Entity and DetailsDocument; remove the wrapper",
        );
        return None;
    }
    let mut o = r.object(value, at, "a change")?;
    let change_type = match o.require_value(r, "ChangeType") {
        Some((Json::String(s), _)) => Some(s.as_ref()),
        Some((_, key)) => {
            r.invalid(&o.member(key).ptr(), "ChangeType must be a string");
            None
        }
        None => None,
    };
    let change_name = match o.take_value("ChangeName") {
        Some((Json::String(s), _)) => Some(s.as_ref()),
        Some((_, key)) => {
            r.invalid(&o.member(key).ptr(), "ChangeName must be a string");
            None
        }
        None => None,
    };
    let mut entity_type = None;
    let mut identifier = None;
    if let Some((entity, entity_at)) = o.require(r, "Entity") {
        if let Some(mut e) = r.object(entity, entity_at, "Entity") {
            entity_type = match e.require_value(r, "Type") {
                Some((Json::String(s), _)) => Some(s.as_ref()),
                Some((_, key)) => {
                    r.invalid(&e.member(key).ptr(), "Entity.Type must be a string such as \"Offer@1.0\"");
                    None
                }
                None => None,
            };
            identifier = match e.take("Identifier") {
                Some((Json::String(s), at)) => Some((s.as_ref(), at)),
                Some((_, at)) => {
                    r.invalid(&at, "Entity.Identifier must be a string");
                    None
                }
                None => None,
            };
            e.finish(r);
        }
    }
    let entity_tags = o.take("EntityTags").map(|(v, _)| v);
    let details = read_details(r, &mut o, arena);
    let at = o.at.clone();
    o.finish(r);
    Some(Header {
        position,
        at,
        change_type: change_type?,
        change_name,
        entity_type: entity_type?,
        identifier,
        entity_tags,
        details,
    })
}

/// `DetailsDocument` (JSON), or `Details` (the same as a JSON string; some SDK samples
/// give an object there too), parsed into `arena`.
fn read_details<'v>(r: &mut Reader, o: &mut crate::read::Obj<'v>, arena: &'v Arena) -> Option<(&'v Json<'v>, Ptr)> {
    let document = o.take("DetailsDocument");
    let details = o.take("Details");
    match (document, details) {
        (Some((v, at)), None) => Some((v, at)),
        (None, Some((Json::String(text), at))) => match crate::json::parse(text, arena) {
            Ok(parsed) => Some((&*arena.alloc(parsed), at.sealed(KeyStyle::Pascal))),
            Err(e) => {
                r.invalid(&at, format!("Details is not valid JSON: {e}"));
                None
            }
        },
        (None, Some((v, at))) => Some((v, at)),
        (Some(_), Some((_, at))) => {
            r.invalid(&at, "give either DetailsDocument or Details, not both");
            None
        }
        (None, None) => {
            r.invalid(&o.at, "DetailsDocument is required (use {} when a change has no details)");
            None
        }
    }
}

/// References inside details (a product, offer set or offer created by another change).
fn check_detail_references(r: &mut Reader, h: &Header, names: &[(&str, &Header)]) {
    let Some((details, at)) = &h.details else { return };
    let mut check = |text: &str, at: Ptr| {
        if let Some(name) = reference_name(text) {
            if !names.iter().any(|(n, _)| *n == name) {
                r.report(Violation::new(
                    Code::DocumentUnknownReference,
                    at.as_str(),
                    format!("\"{text}\" refers to no change named \"{name}\" in this change set"),
                ));
            }
        }
    };
    if details.is_object() {
        for key in ["ProductId", "OfferSetId", "ResaleAuthorizationId", "AgreementId"] {
            if let Some(Json::String(s)) = details.get(key) {
                check(s, at.key(key));
            }
        }
        if let Some(Json::Array(offers)) = details.get("Offers") {
            for (i, offer) in offers.iter().enumerate() {
                if let Some(Json::String(s)) = offer.get("OfferId") {
                    check(s, at.key("Offers").index(i).key("OfferId"));
                }
            }
        }
    }
}
