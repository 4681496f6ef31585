//! Members a request body has that its model does not: found while the body is read, reported as
//! validation errors with their path and the closest member the model does have.
//!
//! A body from Python or JavaScript is a dict or an object, so nothing but this check stands
//! between a misspelt key and a call that silently leaves the member out (a customer created
//! direct instead of for the reseller). serde ignores unknown members by design — answers must
//! stay forward-compatible — so the members it ignores are collected with `serde_ignored`, and
//! the names a model knows are asked of its `Deserialize` impl itself (see [`known_members`]).

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

/// One step of a path inside a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Member(String),
    Index(usize),
}

/// A path as the body errors spell it: `companyProfile.domain`, `items[2].id`.
pub fn display(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Member(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The steps of a path `serde_ignored` reports (options and newtypes are not steps of their own).
pub fn segments(path: &serde_ignored::Path<'_>) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = path;
    loop {
        match at {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                out.push(Segment::Index(*index));
                at = parent;
            }
            serde_ignored::Path::Map { parent, key } => {
                out.push(Segment::Member(key.clone()));
                at = parent;
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => at = parent,
        }
    }
    out.reverse();
    out
}

/// The message for an unknown member at `path` of a `T` body: which model it is not part of, and
/// the closest name that model has (or, with none close, the names it has).
pub fn unknown_member_message<T: DeserializeOwned>(path: &[Segment]) -> String {
    let (parent, name) = match path.split_last() {
        Some((Segment::Member(name), parent)) => (parent, name.as_str()),
        _ => return "unknown member".to_string(),
    };
    let Some((model, fields)) = known_members::<T>(parent) else {
        return "unknown member".to_string();
    };
    let members = distinct(fields);
    match closest(name, &members) {
        Some(known) => format!("unknown member of {model}; did you mean \"{known}\"?"),
        None => {
            const SHOWN: usize = 12;
            let mut list = members
                .iter()
                .take(SHOWN)
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ");
            if members.len() > SHOWN {
                list.push_str(", …");
            }
            format!("unknown member of {model} (its members: {list})")
        }
    }
}

/// A name as the service compares names: case-insensitively, `_` and `-` ignored.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A struct's field names without the aliases that only differ in case (serde lists a field's
/// aliases beside its name, sorted: `AssociatedPartnerId` before `associatedPartnerId`), keeping
/// the camelCase one, which is how the service writes them.
fn distinct(fields: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::with_capacity(fields.len());
    for &field in fields {
        let starts_lower = field.starts_with(|c: char| c.is_lowercase());
        match out.iter_mut().find(|seen| fold(seen) == fold(field)) {
            Some(seen) if starts_lower && !seen.starts_with(|c: char| c.is_lowercase()) => {
                *seen = field;
            }
            Some(_) => {}
            None => out.push(field),
        }
    }
    out
}

/// The member of `members` a misspelling of `name` most likely meant: the same name in another
/// case or with `_`/`-` (the service compares names that way), else the nearest by edit distance,
/// if it is near enough to be a typo rather than another word. Ties go to the spelling closest to
/// what was written.
pub fn closest<'a>(name: &str, members: &[&'a str]) -> Option<&'a str> {
    let wanted = fold(name);
    let mut best: Option<((usize, usize), &'a str)> = None;
    for &member in members {
        let candidate = fold(member);
        let distance = strsim::damerau_levenshtein(&wanted, &candidate);
        let allowed = 1 + candidate.chars().count() / 5;
        let rank = (distance, strsim::damerau_levenshtein(name, member));
        if distance <= allowed && best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, member));
        }
    }
    best.map(|(_, member)| member)
}

/// The name and wire member names of the model found at `path` inside a `T`, if it is a struct.
///
/// Asked of `T`'s own `Deserialize` impl: it is fed a probe deserializer that follows `path`
/// (one member of each map, one item of each list) and, at the end of it, receives the
/// `deserialize_struct` call that carries the struct's name and the names of its fields. Nothing
/// is deserialized; the probe stops the impl with an error as soon as it has the answer.
pub fn known_members<T: DeserializeOwned>(
    path: &[Segment],
) -> Option<(&'static str, &'static [&'static str])> {
    let found = Cell::new(None);
    let _ = T::deserialize(Probe {
        path,
        found: &found,
    });
    found.get()
}

type Found = Cell<Option<(&'static str, &'static [&'static str])>>;

/// Ends a probe: either its answer is in `found`, or the path led somewhere without one.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe stopped")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Stop
    }
}

struct Probe<'a> {
    path: &'a [Segment],
    found: &'a Found,
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if self.path.is_empty() {
            self.found.set(Some((name, fields)));
            return Err(Stop);
        }
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        match self.path.split_first() {
            Some((Segment::Member(key), rest)) => visitor.visit_map(OneMember {
                key: Some(key),
                value: Probe {
                    path: rest,
                    found: self.found,
                },
            }),
            _ => Err(Stop),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        match self.path.split_first() {
            Some((Segment::Index(_), rest)) => visitor.visit_seq(OneItem {
                item: Some(Probe {
                    path: rest,
                    found: self.found,
                }),
            }),
            _ => Err(Stop),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct tuple tuple_struct enum identifier ignored_any
    }
}

/// The one member of a map on the probe's path.
struct OneMember<'a> {
    key: Option<&'a str>,
    value: Probe<'a>,
}

impl<'de> MapAccess<'de> for OneMember<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(key) => seed.deserialize(key.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        seed.deserialize(Probe {
            path: self.value.path,
            found: self.value.found,
        })
    }
}

/// The one item of a list on the probe's path.
struct OneItem<'a> {
    item: Option<Probe<'a>>,
}

impl<'de> SeqAccess<'de> for OneItem<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        match self.item.take() {
            Some(probe) => seed.deserialize(probe).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Address {
        city: String,
        postal_code: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Customer {
        #[serde(alias = "AssociatedPartnerId")]
        associated_partner_id: Option<String>,
        default_address: Option<Box<Address>>,
        addresses: Vec<Address>,
        by_name: BTreeMap<String, Address>,
    }

    fn member(s: &str) -> Segment {
        Segment::Member(s.to_string())
    }

    #[test]
    fn finds_the_model_at_any_depth() {
        let top = known_members::<Customer>(&[]).unwrap();
        assert_eq!(top.0, "Customer");
        assert!(top.1.contains(&"associatedPartnerId") && top.1.contains(&"AssociatedPartnerId"));
        for path in [
            vec![member("defaultAddress")],
            vec![member("addresses"), Segment::Index(3)],
            vec![member("byName"), member("home")],
        ] {
            let found = known_members::<Customer>(&path).unwrap();
            assert_eq!(found, ("Address", &["city", "postalCode"][..]), "{path:?}");
        }
        // Not a struct there, or not a member at all.
        assert_eq!(
            known_members::<Customer>(&[member("associatedPartnerId")]),
            None
        );
        assert_eq!(known_members::<Customer>(&[member("nope")]), None);
        assert_eq!(known_members::<String>(&[]), None);
    }

    #[test]
    fn suggests_only_near_names() {
        let members = ["associatedPartnerId", "domain", "companyName", "id"];
        assert_eq!(
            closest("associated_partner_idd", &members),
            Some("associatedPartnerId")
        );
        assert_eq!(
            closest("AssociatedPartnerId", &members),
            Some("associatedPartnerId")
        );
        assert_eq!(closest("domainn", &members), Some("domain"));
        assert_eq!(closest("ID", &members), Some("id"));
        assert_eq!(closest("colour", &members), None);
        assert_eq!(closest("", &members), None);
        // A case-only alias beside its name: the spelling nearest to what was written wins.
        let both = ["AssociatedPartnerId", "associatedPartnerId"];
        assert_eq!(
            closest("associated_partner_idd", &both),
            Some("associatedPartnerId")
        );
        assert_eq!(
            closest("associatedpartnerid", &both),
            Some("associatedPartnerId")
        );
        assert_eq!(distinct(&both), ["associatedPartnerId"]);
    }

    #[test]
    fn paths_read_like_the_other_body_errors() {
        let path = [member("items"), Segment::Index(2), member("nme")];
        assert_eq!(display(&path), "items[2].nme");
        assert_eq!(
            unknown_member_message::<Customer>(&[member("defaultAddress"), member("cty")]),
            "unknown member of Address; did you mean \"city\"?"
        );
        assert_eq!(
            unknown_member_message::<Customer>(&[member("colour")]),
            "unknown member of Customer (its members: \"associatedPartnerId\", \"defaultAddress\", \
             \"addresses\", \"byName\")"
        );
    }
}
