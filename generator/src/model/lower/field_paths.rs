//! Wire-name paths into the model (`x-pc-paging`, `x-pc-if-match`, `x-pc-country-required`
//! name fields by them), checked once every type exists.

use super::Builder;
use crate::error::{GenError, pointer};
use crate::model::*;

impl<'a> Builder<'a> {
    /// The type at a dotted path of wire names below `root`, or why there is none.
    pub(super) fn field_path(&self, root: &TypeRef, path: &[String]) -> Result<TypeRef, String> {
        let mut current = root.clone();
        for segment in path {
            let fields = match &current {
                TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                    Some(TypeKind::Struct(s)) => &s.fields,
                    _ => return Err(format!("`{n}` is not an object, so it has no `{segment}`")),
                },
                other => return Err(format!("{other:?} has no field `{segment}`")),
            };
            let Some(field) = fields.iter().find(|f| f.name.original == *segment) else {
                return Err(format!("no field `{segment}` in `{}`", path.join(".")));
            };
            current = field.ty.clone();
        }
        Ok(current)
    }

    pub(super) fn check_country_rules(&self) -> Result<(), GenError> {
        for def in self.types.values() {
            if let TypeKind::Struct(s) = &def.kind {
                for (i, rule) in s.country_rules.iter().enumerate() {
                    let root = TypeRef::Named(def.name.original.clone());
                    let rule_at = pointer(&def.pointer, &["x-pc-country-required", &i.to_string()]);
                    self.field_path(&root, &rule.field)
                        .map_err(|m| GenError::at(pointer(&rule_at, &["field"]), m))?;
                    self.field_path(&root, &rule.country_field)
                        .map_err(|m| GenError::at(pointer(&rule_at, &["countryField"]), m))?;
                }
            }
        }
        Ok(())
    }
}
