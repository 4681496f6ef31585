//! A customer's licences, `GET /v1/customers/{id}/subscribedskus` (reference-2 §10).
//! Nothing is derived from orders (the emulator has none): the list is empty until
//! `POST /_sandbox/customers/{id}/licenses` seeds it.

use serde::Serialize;
use serde_json::Value;

use crate::admin_body::{array, integer, only_members, required_text, text};
use crate::errors::{ApiError, truncate};
use crate::model::Attributes;

/// `Group1`: licences managed by Azure AD; `Group2`: Minecraft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LicenseGroup {
    Group1,
    Group2,
}

impl LicenseGroup {
    /// `Group1` / `Group2` in any case.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "group1" => Some(LicenseGroup::Group1),
            "group2" => Some(LicenseGroup::Group2),
            _ => None,
        }
    }
}

/// The `licenseGroupIds` query (repeated): the groups to list; default `Group1` only.
pub fn groups_from_query(params: &[(String, String)]) -> Result<Vec<LicenseGroup>, ApiError> {
    let mut groups = Vec::new();
    for (k, v) in params {
        if !k.eq_ignore_ascii_case("licensegroupids") {
            continue;
        }
        let g = LicenseGroup::parse(v).ok_or_else(|| {
            ApiError::bad_input(format!(
                "licenseGroupIds must be Group1 or Group2, got '{}'",
                truncate(v, 30)
            ))
        })?;
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    if groups.is_empty() {
        groups.push(LicenseGroup::Group1);
    }
    Ok(groups)
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductSku {
    pub id: String,
    pub name: String,
    pub sku_part_number: String,
    pub target_type: String,
    pub license_group_id: LicenseGroup,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePlan {
    pub id: String,
    pub display_name: String,
    pub service_name: String,
    pub capability_status: String,
    pub target_type: String,
}

/// Stored in its wire form.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    pub available_units: i64,
    pub active_units: i64,
    pub consumed_units: i64,
    pub suspended_units: i64,
    pub total_units: i64,
    pub warning_units: i64,
    pub product_sku: ProductSku,
    pub service_plans: Vec<ServicePlan>,
    pub capability_status: String,
    pub attributes: Attributes,
}

const UNITS: std::ops::RangeInclusive<i64> = 0..=i32::MAX as i64;

fn string_or(v: &Value, key: &str, name: &str, default: &str) -> Result<String, ApiError> {
    Ok(text(v, key, name)?.unwrap_or(default).to_string())
}

fn service_plan(v: &Value, path: &str, target: &str) -> Result<ServicePlan, ApiError> {
    only_members(
        v,
        &[
            "id",
            "displayname",
            "servicename",
            "capabilitystatus",
            "targettype",
        ],
        path,
    )?;
    Ok(ServicePlan {
        id: required_text(v, "id", &format!("{path}.id"))?.to_string(),
        display_name: required_text(v, "displayname", &format!("{path}.displayName"))?.to_string(),
        service_name: required_text(v, "servicename", &format!("{path}.serviceName"))?.to_string(),
        capability_status: string_or(
            v,
            "capabilitystatus",
            &format!("{path}.capabilityStatus"),
            "Enabled",
        )?,
        target_type: string_or(v, "targettype", &format!("{path}.targetType"), target)?,
    })
}

/// One SKU of the admin body. Required: `productSku.{id, name, skuPartNumber}`. Defaults:
/// `licenseGroupId` Group1, `targetType` User, units 0, `activeUnits` = `totalUnits`,
/// `availableUnits` = total − consumed, `capabilityStatus` Enabled, no service plans.
fn sku(v: &Value, path: &str) -> Result<SubscribedSku, ApiError> {
    only_members(
        v,
        &[
            "availableunits",
            "activeunits",
            "consumedunits",
            "suspendedunits",
            "totalunits",
            "warningunits",
            "productsku",
            "serviceplans",
            "capabilitystatus",
            "attributes",
        ],
        path,
    )?;
    let p = v
        .get("productsku")
        .ok_or_else(|| ApiError::bad_input(format!("{path}.productSku is required")))?;
    let pp = format!("{path}.productSku");
    only_members(
        p,
        &[
            "id",
            "name",
            "skupartnumber",
            "targettype",
            "licensegroupid",
        ],
        &pp,
    )?;
    let group = match text(p, "licensegroupid", &format!("{pp}.licenseGroupId"))? {
        None => LicenseGroup::Group1,
        Some(g) => LicenseGroup::parse(g).ok_or_else(|| {
            ApiError::bad_input(format!("{pp}.licenseGroupId must be Group1 or Group2"))
        })?,
    };
    let target = string_or(p, "targettype", &format!("{pp}.targetType"), "User")?;
    let product_sku = ProductSku {
        id: required_text(p, "id", &format!("{pp}.id"))?.to_string(),
        name: required_text(p, "name", &format!("{pp}.name"))?.to_string(),
        sku_part_number: required_text(p, "skupartnumber", &format!("{pp}.skuPartNumber"))?
            .to_string(),
        target_type: target.clone(),
        license_group_id: group,
    };
    let units = |key: &str, name: &str| integer(v, key, &format!("{path}.{name}"), UNITS);
    let total = units("totalunits", "totalUnits")?.unwrap_or(0);
    let consumed = units("consumedunits", "consumedUnits")?.unwrap_or(0);
    let plans = array(v, "serviceplans", &format!("{path}.servicePlans"))?
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, p)| service_plan(p, &format!("{path}.servicePlans[{i}]"), &target))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok(SubscribedSku {
        available_units: units("availableunits", "availableUnits")?
            .unwrap_or((total - consumed).max(0)),
        active_units: units("activeunits", "activeUnits")?.unwrap_or(total),
        consumed_units: consumed,
        suspended_units: units("suspendedunits", "suspendedUnits")?.unwrap_or(0),
        total_units: total,
        warning_units: units("warningunits", "warningUnits")?.unwrap_or(0),
        product_sku,
        service_plans: plans,
        capability_status: string_or(
            v,
            "capabilitystatus",
            &format!("{path}.capabilityStatus"),
            "Enabled",
        )?,
        attributes: Attributes::of("SubscribedSku"),
    })
}

/// The `items` of `POST /_sandbox/customers/{id}/licenses`.
pub fn parse_admin(items: &[Value]) -> Result<Vec<SubscribedSku>, ApiError> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| sku(v, &format!("items[{i}]")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::parse_query;
    use serde_json::json;

    #[test]
    fn groups_default_to_group1() {
        let q = |s| groups_from_query(&parse_query(Some(s)));
        assert_eq!(q("").unwrap(), vec![LicenseGroup::Group1]);
        assert_eq!(
            q("licenseGroupIds=group2&LicenseGroupIds=GROUP1&licenseGroupIds=Group2").unwrap(),
            vec![LicenseGroup::Group2, LicenseGroup::Group1]
        );
        assert!(q("licenseGroupIds=Group3").is_err());
        assert!(q("licenseGroupIds=").is_err());
    }

    #[test]
    fn admin_items_get_defaults() {
        let v = crate::wire::normalize(
            json!([{"productSku": {"id": "x", "name": "X", "skuPartNumber": "XP"},
            "totalUnits": 5, "consumedUnits": 1, "servicePlans": [{"id": "p", "displayName": "P", "serviceName": "PS"}]}]),
        );
        let skus = parse_admin(v.as_array().unwrap()).unwrap();
        let s = serde_json::to_value(&skus[0]).unwrap();
        assert_eq!(s["availableUnits"], 4);
        assert_eq!(s["activeUnits"], 5);
        assert_eq!(s["productSku"]["licenseGroupId"], "group1");
        assert_eq!(s["servicePlans"][0]["targetType"], "User");
        assert_eq!(s["attributes"]["objectType"], "SubscribedSku");
        let bad = crate::wire::normalize(
            json!([{"productSku": {"id": "x", "name": "X", "skuPartNumber": "XP", "colour": 1}}]),
        );
        assert!(parse_admin(bad.as_array().unwrap()).is_err());
    }
}
