//! AWS Marketplace Catalog API change sets (`StartChangeSet` requests) <-> the model.
//!
//! Import folds the changes of a change set into the entities they create or update,
//! resolving `$ChangeName.Entity.Identifier` references; export writes the entities back
//! as a change set that imports to the same entities. Changes to entities Offerdesk does
//! not model (products, dimensions, ...) are carried through untouched.

mod import;
mod offer;
mod offer_set;
mod resale;
mod terms_change;

pub use import::import;

use crate::json::Json;
use crate::model::offer::Offer;
use crate::model::offer_set::OfferSet;
use crate::model::resale::ResaleAuthorization;
use crate::pointer::Ptr;
use serde_json::{Map, Value};

pub const OFFER: &str = "Offer@1.0";
pub const RESALE_AUTHORIZATION: &str = "ResaleAuthorization@1.0";
pub const OFFER_SET: &str = "OfferSet@1.0";

/// A change set, folded into entities.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeSet {
    pub catalog: Option<String>,
    pub change_set_name: Option<String>,
    /// Other request members (`ClientRequestToken`, `ChangeSetTags`, `Intent`), carried.
    pub request: Vec<(String, Value)>,
    pub entities: Vec<Entity>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    Offer(Box<Offer>),
    ResaleAuthorization(Box<ResaleAuthorization>),
    OfferSet(Box<OfferSet>),
    /// An entity Offerdesk does not model; its changes are written back as they came.
    Other(OtherEntity),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherEntity {
    pub entity_type: String,
    pub changes: Vec<RawChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawChange {
    pub change_type: String,
    pub change_name: Option<String>,
    pub identifier: Option<String>,
    pub details: Value,
    pub entity_tags: Option<Value>,
}

impl ChangeSet {
    pub fn offers(&self) -> impl Iterator<Item = &Offer> {
        self.entities.iter().filter_map(|e| match e {
            Entity::Offer(o) => Some(o.as_ref()),
            _ => None,
        })
    }

    pub fn resale_authorizations(&self) -> impl Iterator<Item = &ResaleAuthorization> {
        self.entities.iter().filter_map(|e| match e {
            Entity::ResaleAuthorization(ra) => Some(ra.as_ref()),
            _ => None,
        })
    }

    pub fn offer_sets(&self) -> impl Iterator<Item = &OfferSet> {
        self.entities.iter().filter_map(|e| match e {
            Entity::OfferSet(s) => Some(s.as_ref()),
            _ => None,
        })
    }

    /// Whether the change set creates the product that `product_id` refers to.
    pub fn creates_product(&self, product_id: &str) -> bool {
        let Some(name) = reference_name(product_id) else { return false };
        self.entities.iter().any(|e| match e {
            Entity::Other(other) => {
                other.changes.iter().any(|c| c.change_type == "CreateProduct" && c.change_name.as_deref() == Some(name))
            }
            _ => false,
        })
    }

    /// The change set as `StartChangeSet` takes it.
    pub fn export(&self) -> Value {
        let mut changes = Vec::new();
        for entity in &self.entities {
            match entity {
                Entity::Offer(o) => changes.extend(offer::export(o)),
                Entity::ResaleAuthorization(ra) => changes.extend(resale::export(ra)),
                Entity::OfferSet(s) => changes.extend(offer_set::export(s)),
                Entity::Other(other) => changes.extend(other.changes.iter().map(|c| {
                    let mut entity = Map::new();
                    entity.insert("Type".into(), Value::String(other.entity_type.clone()));
                    if let Some(id) = &c.identifier {
                        entity.insert("Identifier".into(), Value::String(id.clone()));
                    }
                    let mut m = change_header(&c.change_type, c.change_name.as_deref(), Value::Object(entity));
                    if let Some(tags) = &c.entity_tags {
                        m.insert("EntityTags".into(), tags.clone());
                    }
                    m.insert("DetailsDocument".into(), c.details.clone());
                    Value::Object(m)
                })),
            }
        }
        let mut m = Map::new();
        m.insert("Catalog".into(), Value::String(self.catalog.clone().unwrap_or_else(|| "AWSMarketplace".into())));
        m.insert("ChangeSet".into(), Value::Array(changes));
        if let Some(name) = &self.change_set_name {
            m.insert("ChangeSetName".into(), Value::String(name.clone()));
        }
        m.extend(self.request.iter().cloned());
        Value::Object(m)
    }
}

/// `Name` from `$Name.Entity.Identifier`.
pub fn reference_name(text: &str) -> Option<&str> {
    text.strip_prefix('$')?.strip_suffix(".Entity.Identifier").filter(|n| !n.is_empty())
}

/// Whether `text` names the entity `id`: as its id, or as `$id.Entity.Identifier`.
pub fn refers_to(text: &str, id: &str) -> bool {
    text == id || reference_name(text) == Some(id)
}

pub fn reference_to(name: &str) -> String {
    format!("${name}.Entity.Identifier")
}

/// One change of the set, as the entity folds see it.
pub(crate) struct Change<'a> {
    pub change_type: &'a str,
    /// `/ChangeSet/<i>`.
    pub at: &'a Ptr,
    pub details: &'a Json<'a>,
    pub details_at: &'a Ptr,
}

fn change_header(change_type: &str, change_name: Option<&str>, entity: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("ChangeType".into(), Value::String(change_type.to_owned()));
    m.insert("Entity".into(), entity);
    if let Some(name) = change_name {
        m.insert("ChangeName".into(), Value::String(name.to_owned()));
    }
    m
}

/// Builds one change of a modelled entity: creates carry the entity's name as their
/// `ChangeName`, updates refer to it (or to the existing entity's id).
pub(crate) fn entity_change(
    entity_type: &str,
    id: Option<&str>,
    created: bool,
    change_type: &str,
    details: Value,
) -> Value {
    let is_create = change_type.starts_with("Create");
    let mut entity = Map::new();
    entity.insert("Type".into(), Value::String(entity_type.to_owned()));
    if !is_create {
        if let Some(id) = id {
            let identifier = if created { reference_to(id) } else { id.to_owned() };
            entity.insert("Identifier".into(), Value::String(identifier));
        }
    }
    let name = if is_create { id } else { None };
    let mut m = change_header(change_type, name, Value::Object(entity));
    m.insert("DetailsDocument".into(), details);
    Value::Object(m)
}
