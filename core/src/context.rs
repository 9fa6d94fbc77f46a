//! What a document refers to but does not contain: products, resale authorizations,
//! agreements and existing offers. The CLI reads it from `--context`; the API from its
//! store. Rules that need a missing piece of context are skipped, never guessed.

use crate::json::Json;
use crate::model::agreement::AgreementTerms;
use crate::model::resale::ResaleAuthorization;
use crate::model::terms::{read_term, sort_terms, Dialect};
use crate::model::{Located, Publication};
use crate::pointer::{KeyStyle, Ptr};
use crate::read::{Obj, Reader};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    pub products: Vec<Product>,
    pub resale_authorizations: Vec<ResaleAuthorization>,
    /// How many offers each resale authorization has been used for, by id.
    pub resale_offers_created: Vec<(String, i64)>,
    pub agreements: Vec<Agreement>,
    /// Existing offers, kept as their documents: they are read again at the place in the
    /// user's document that updates them.
    pub offers: Vec<(String, Json<'static>)>,
}

/// The kinds of product AWS Marketplace sells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductType {
    Saas,
    Ami,
    Container,
    ProfessionalServices,
    Data,
    MachineLearning,
}

/// How a product is priced on its public listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductPricing {
    /// SaaS subscription, AMI hourly, container usage: pay for what is used.
    Usage,
    Contract,
    ContractWithConsumption,
    Free,
    Monthly,
    Byol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: String,
    pub product_type: ProductType,
    pub pricing: Option<ProductPricing>,
}

impl Product {
    /// SaaS contracts (with or without consumption): the only agreements an
    /// agreement-based offer can replace.
    pub fn is_amendable(&self) -> bool {
        self.product_type == ProductType::Saas
            && matches!(self.pricing, Some(ProductPricing::Contract | ProductPricing::ContractWithConsumption))
    }
}

/// Agreement statuses as AWS reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementStatus {
    Active,
    Expiring,
    Expired,
    Renewed,
    Replaced,
    Cancelled,
    Terminated,
    Archived,
    PendingStart,
    /// The buyer asked to cancel; it becomes cancelled at the next scheduler run.
    PendingCancel,
}

impl serde::Serialize for AgreementStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for AgreementStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown agreement status {text:?}")))
    }
}

impl AgreementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
            Self::Renewed => "renewed",
            Self::Replaced => "replaced",
            Self::Cancelled => "cancelled",
            Self::Terminated => "terminated",
            Self::Archived => "archived",
            Self::PendingStart => "pending-start",
            Self::PendingCancel => "pending-cancel",
        }
    }

    /// Statuses an agreement never leaves.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Renewed | Self::Replaced | Self::Cancelled | Self::Terminated | Self::Archived)
    }

    fn parse(text: &str) -> Option<Self> {
        Some(match text.to_ascii_lowercase().replace('_', "-").as_str() {
            // (as_str's spellings, and AWS's upper-case ones)
            "active" => Self::Active,
            "expiring" => Self::Expiring,
            "expired" => Self::Expired,
            "renewed" => Self::Renewed,
            "replaced" => Self::Replaced,
            "cancelled" | "canceled" => Self::Cancelled,
            "terminated" => Self::Terminated,
            "archived" => Self::Archived,
            "pending-start" => Self::PendingStart,
            "pending-cancel" => Self::PendingCancel,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreement {
    pub id: String,
    pub product_id: Option<String>,
    pub buyer_account_id: Option<String>,
    pub status: AgreementStatus,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub resale_authorization_id: Option<String>,
    pub terms: AgreementTerms,
}

impl Agreement {
    /// Active or expiring at `today`, from its status and, when given, its end date.
    pub fn is_in_force(&self, today: NaiveDate) -> bool {
        matches!(self.status, AgreementStatus::Active | AgreementStatus::Expiring)
            && self.end_date.is_none_or(|end| end >= today)
    }
}

impl Context {
    /// Reads a context file. Problems are reported with pointers into the context file.
    pub fn read(value: &Json, r: &mut Reader) -> Context {
        let mut ctx = Context::default();
        let Some(mut o) = r.object(value, Ptr::root(KeyStyle::Camel), "a context file") else { return ctx };
        for_each(r, &mut o, "Products", |r, v, at| ctx.products.extend(read_product(r, v, at)));
        for_each(r, &mut o, "ResaleAuthorizations", |r, v, at| {
            if let Some((ra, used)) = read_resale_authorization(r, v, at) {
                if let (Some(id), Some(used)) = (&ra.id, used) {
                    ctx.resale_offers_created.push((id.clone(), used));
                }
                ctx.resale_authorizations.push(ra);
            }
        });
        for_each(r, &mut o, "Agreements", |r, v, at| ctx.agreements.extend(read_agreement(r, v, at)));
        for_each(r, &mut o, "Offers", |r, v, at| match v.get("id").and_then(Json::as_str) {
            Some(id) => ctx.offers.push((id.to_owned(), v.to_static())),
            None => r.invalid(&at, "an existing offer needs its \"id\""),
        });
        o.finish(r);
        ctx
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    pub fn resale_authorization(&self, id: &str) -> Option<&ResaleAuthorization> {
        self.resale_authorizations.iter().find(|ra| ra.id.as_deref() == Some(id))
    }

    pub fn offers_created_from(&self, resale_authorization_id: &str) -> i64 {
        self.resale_offers_created.iter().find(|(id, _)| id == resale_authorization_id).map_or(0, |(_, n)| *n)
    }

    pub fn agreement(&self, id: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.id == id)
    }

    pub fn offer(&self, id: &str) -> Option<&Json<'static>> {
        self.offers.iter().find(|(offer_id, _)| offer_id == id).map(|(_, v)| v)
    }
}

fn for_each(r: &mut Reader, o: &mut Obj, pascal: &str, mut read: impl FnMut(&mut Reader, &Json, Ptr)) {
    let what = o.style().spell(pascal);
    if let Some((v, at)) = o.take(pascal) {
        for (i, item) in r.array(v, &at, &what).unwrap_or_default().iter().enumerate() {
            read(r, item, at.index(i));
        }
    }
}

fn read_product(r: &mut Reader, value: &Json, at: Ptr) -> Option<Product> {
    let mut o = r.object(value, at, "a product")?;
    let id = o.required_string(r, "Id");
    let product_type = o.require(r, "Type").and_then(|(v, at)| {
        let parsed = match v.as_str().map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("saas") => Some(ProductType::Saas),
            Some("ami") => Some(ProductType::Ami),
            Some("container") => Some(ProductType::Container),
            Some("professional-services" | "proserv") => Some(ProductType::ProfessionalServices),
            Some("data") => Some(ProductType::Data),
            Some("machine-learning") => Some(ProductType::MachineLearning),
            _ => None,
        };
        if parsed.is_none() {
            r.invalid(&at, "type must be one of saas, ami, container, professional-services, data, machine-learning");
        }
        parsed
    });
    let pricing = o.take("PricingModel").and_then(|(v, at)| {
        let parsed = match v.as_str().map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("usage" | "subscription" | "hourly") => Some(ProductPricing::Usage),
            Some("contract") => Some(ProductPricing::Contract),
            Some("contract-with-consumption") => Some(ProductPricing::ContractWithConsumption),
            Some("free") => Some(ProductPricing::Free),
            Some("monthly") => Some(ProductPricing::Monthly),
            Some("byol") => Some(ProductPricing::Byol),
            _ => None,
        };
        if parsed.is_none() {
            r.invalid(
                &at,
                "pricingModel must be one of usage, contract, contract-with-consumption, free, monthly, byol",
            );
        }
        parsed
    });
    o.finish(r);
    Some(Product { id: id?, product_type: product_type?, pricing })
}

/// A resale authorization as the context gives it: its state, targeting and terms
/// (the same term objects as an offer document's, with the `Resale…` types).
fn read_resale_authorization(r: &mut Reader, value: &Json, at: Ptr) -> Option<(ResaleAuthorization, Option<i64>)> {
    let mut o = r.object(value, at, "a resale authorization")?;
    let mut ra = ResaleAuthorization { at: o.at.clone(), ..Default::default() };
    ra.id = o.required_string(r, "Id");
    if let Some((v, at)) = o.take("State") {
        ra.publication = match v.as_str() {
            Some("draft") => Publication::Draft,
            Some("released") => Publication::Released,
            Some("restricted") => Publication::Restricted,
            _ => {
                r.invalid(&at, "state must be one of draft, released, restricted");
                Publication::Draft
            }
        };
    }
    ra.product_id = o.located_string(r, "ProductId", false);
    ra.name = o.located_string(r, "Name", false);
    ra.reseller_account_id = o.located_string(r, "ResellerAccountId", false);
    ra.availability_end_date = o
        .take("AvailabilityEndDate")
        .and_then(|(v, at)| r.date(v, &at, "availabilityEndDate").map(|d| Located::new(d, at)));
    ra.offers_max_quantity = o
        .take("OffersMaxQuantity")
        .and_then(|(v, at)| r.integer(v, &at, "offersMaxQuantity").map(|q| Located::new(q, at)));
    ra.pricing_model = o.located_string(r, "PricingModel", false);
    let used = o.integer(r, "OffersCreated").and_then(|s| s.filled().copied());
    if let Some((v, at)) = o.take("Terms") {
        for (i, item) in r.array(v, &at, "terms").unwrap_or_default().iter().enumerate() {
            ra.terms.extend(read_term(r, item, at.index(i), Dialect::Document));
        }
        sort_terms(&mut ra.terms);
    }
    o.finish(r);
    Some((ra, used))
}

fn read_agreement(r: &mut Reader, value: &Json, at: Ptr) -> Option<Agreement> {
    let mut o = r.object(value, at, "an agreement")?;
    let id = o.required_string(r, "Id");
    let status = o.require(r, "Status").and_then(|(v, at)| {
        let parsed = v.as_str().and_then(AgreementStatus::parse);
        if parsed.is_none() {
            r.invalid(&at, "status must be one of active, expiring, expired, renewed, replaced, cancelled, terminated, archived, pending-start");
        }
        parsed
    });
    let mut date = |o: &mut Obj, key: &str| o.date(r, key).and_then(|d| d.filled().copied());
    let start_date = date(&mut o, "StartDate");
    let end_date = date(&mut o, "EndDate");
    let product_id = o.string(r, "ProductId");
    let buyer_account_id = o.string(r, "BuyerAccountId");
    let resale_authorization_id = o.string(r, "ResaleAuthorizationId");
    // The accepted terms in the Agreement API's own shape, as GetAgreementTerms returns them.
    let terms = match o.take("AcceptedTerms") {
        Some((v, at)) => {
            let wrapper = Json::Object(vec![("acceptedTerms".into(), v.clone())].into());
            let parent_at = Ptr::root(KeyStyle::Camel);
            let mut inner = Reader::default();
            let terms = AgreementTerms::read(&mut inner, &wrapper, parent_at).unwrap_or_default();
            for mut v in inner.violations {
                v.path = format!("{}{}", at.as_str(), v.path.trim_start_matches("/acceptedTerms"));
                r.report(v);
            }
            terms
        }
        None => AgreementTerms::default(),
    };
    o.finish(r);
    Some(Agreement {
        id: id?,
        product_id,
        buyer_account_id,
        status: status?,
        start_date,
        end_date,
        resale_authorization_id,
        terms,
    })
}
