//! Operations: grouped by their first tag, each lowered with its parameters, body, responses
//! and the `x-pc-*` behaviour it declares (paging, exists, If-Match, idempotency).

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::{Builder, naming, split_path};
use crate::error::{GenError, pointer};
use crate::model::extensions::{
    self, ClientHeadersExt, ExistsExt, IdempotentExt, IfMatchExt, PagingExt,
};
use crate::model::*;

impl<'a> Builder<'a> {
    pub(super) fn client_headers(&self) -> Result<ClientHeaders, GenError> {
        let ext: ClientHeadersExt = match self.raw.get("x-pc-client-headers") {
            Some(v) => extensions::read(v, "", "x-pc-client-headers")?,
            None => ClientHeadersExt::default(),
        };
        Ok(ClientHeaders {
            request_id: ext.request_id,
            correlation_id: ext.correlation_id,
            locale: ext.locale,
            application: ext.application,
            contract_version: ext.contract_version,
        })
    }

    /// Every operation, in resource groups: one per first tag, where tags that differ only in
    /// case (`pets`, `Pets`) are one group. Groups are sorted by name (the operations without a
    /// tag first, as the client's own methods); group, method and per-operation type names are
    /// made unique for every target (see `naming`).
    pub(super) fn lower_operations(
        &mut self,
        openapi: &openapiv3::OpenAPI,
        client_headers: &ClientHeaders,
    ) -> Result<Vec<Group>, GenError> {
        let mut groups: Vec<TagGroup> = Vec::new();
        let mut op_type_names = naming::OperationTypes::new();
        for (path, item) in openapi.paths.paths.iter() {
            let path_at = pointer("/paths", &[path]);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(GenError::at(
                        path_at,
                        "path item `$ref`s are not supported yet; inline the path item",
                    ));
                }
            };
            for (method, op) in item.iter() {
                let at = pointer(&path_at, &[method]);
                let operation = self.lower_operation(
                    path,
                    method,
                    item,
                    op,
                    &at,
                    client_headers,
                    &mut op_type_names,
                )?;
                let tag = op.tags.first();
                let key = tag.map(|t| t.to_lowercase());
                match groups.iter_mut().find(|g| g.key == key) {
                    Some(group) => group.operations.push(operation),
                    None => groups.push(TagGroup {
                        key,
                        tag: tag.cloned(),
                        operations: vec![operation],
                    }),
                }
            }
        }
        // The name a group shows: its tag as the top-level `tags` list spells it, else as its
        // first operation does; its doc: the first description among its spellings there.
        for group in &mut groups {
            if let Some(declared) = openapi
                .tags
                .iter()
                .find(|t| Some(t.name.to_lowercase()) == group.key)
            {
                group.tag = Some(declared.name.clone());
            }
        }
        groups.sort_by(|a, b| a.tag.cmp(&b.tag));

        let mut members = naming::ClientMembers::new(self.types.keys().map(String::as_str));
        let mut out = Vec::new();
        for group in &mut groups {
            let Some(tag) = &group.tag else { continue };
            let doc = openapi
                .tags
                .iter()
                .filter(|t| Some(t.name.to_lowercase()) == group.key)
                .find_map(|t| t.description.clone());
            let name = members.claim_group(Name::new(tag));
            let mut methods = naming::GroupMethods::new();
            for op in &mut group.operations {
                op.name = methods.claim(op.name.clone());
            }
            out.push(Group {
                name: Some(name),
                doc,
                operations: std::mem::take(&mut group.operations),
            });
        }
        // The operations without a tag are methods of the client, beside the group accessors.
        if let Some(root) = groups.iter_mut().find(|g| g.tag.is_none()) {
            for op in &mut root.operations {
                op.name = members.claim_method(op.name.clone());
            }
            out.insert(
                0,
                Group {
                    name: None,
                    doc: None,
                    operations: std::mem::take(&mut root.operations),
                },
            );
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        at: &str,
        client_headers: &ClientHeaders,
        op_type_names: &mut naming::OperationTypes,
    ) -> Result<Operation, GenError> {
        let id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        let type_name = op_type_names.claim(Name::new(&id));
        let ext = &op.extensions;
        let name = match ext.get("x-pc-method") {
            Some(v) => Name::new(&extensions::read::<String>(v, at, "x-pc-method")?),
            None => Name::new(&id),
        };

        let paging_ext: Option<PagingExt> = ext
            .get("x-pc-paging")
            .map(|v| extensions::read(v, at, "x-pc-paging"))
            .transpose()?;
        let token_header = paging_ext.as_ref().map(|p| p.token_header.as_str());
        let params =
            self.lower_params(path, item, op, at, &type_name, client_headers, token_header)?;
        let body = match &op.request_body {
            None => None,
            Some(rb) => Some(self.lower_body(rb, at, &type_name)?),
        };

        let exists: Option<Exists> = ext
            .get("x-pc-exists")
            .map(|v| extensions::read::<ExistsExt>(v, at, "x-pc-exists"))
            .transpose()?
            .map(|e| Exists {
                true_status: e.true_status,
                false_status: e.false_status,
            });
        let (response, error_statuses) = self.lower_responses(op, at, &type_name)?;
        let paging = match paging_ext {
            Some(p) => Some(self.lower_paging(p, &response, at)?),
            None => None,
        };
        let if_match = match ext.get("x-pc-if-match") {
            Some(v) => {
                let e: IfMatchExt = extensions::read(v, at, "x-pc-if-match")?;
                let body_field = split_path(&e.body_field);
                let Some(body) = &body else {
                    return Err(GenError::at(
                        pointer(at, &["x-pc-if-match"]),
                        "`x-pc-if-match` needs a request body",
                    ));
                };
                self.field_path(&body.ty, &body_field)
                    .map_err(|m| GenError::at(pointer(at, &["x-pc-if-match", "bodyField"]), m))?;
                Some(IfMatch {
                    header: e.header,
                    body_field,
                })
            }
            None => None,
        };
        let idempotent = match ext.get("x-pc-idempotent") {
            Some(v) => {
                extensions::read::<IdempotentExt>(v, at, "x-pc-idempotent")?;
                true
            }
            None => false,
        };
        Ok(Operation {
            id,
            name,
            type_name,
            method: http_method(method),
            path: path.to_string(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            response,
            error_statuses,
            paging,
            exists,
            idempotent,
            if_match,
            requires_app_user: matches!(ext.get("x-pc-requires-app-user"), Some(Value::Bool(true))),
            pointer: at.to_string(),
        })
    }

    pub(super) fn lower_paging(
        &self,
        p: PagingExt,
        response: &SuccessResponse,
        at: &str,
    ) -> Result<Paging, GenError> {
        let ext_at = pointer(at, &["x-pc-paging"]);
        let Some((collection, BodyFormat::Json)) = &response.body else {
            return Err(GenError::at(
                ext_at,
                "`x-pc-paging` needs a JSON success response",
            ));
        };
        let items = self
            .field_path(collection, std::slice::from_ref(&p.items_field))
            .map_err(|m| GenError::at(pointer(&ext_at, &["itemsField"]), m))?;
        let TypeRef::Array(item) = items else {
            return Err(GenError::at(
                pointer(&ext_at, &["itemsField"]),
                format!("`{}` must be an array", p.items_field),
            ));
        };
        self.field_path(collection, std::slice::from_ref(&p.token_field))
            .map_err(|m| GenError::at(pointer(&ext_at, &["tokenField"]), m))?;
        if let Some(total) = &p.total_count_field {
            self.field_path(collection, std::slice::from_ref(total))
                .map_err(|m| GenError::at(pointer(&ext_at, &["totalCountField"]), m))?;
        }
        if let Some(next) = &p.next_link_field {
            self.field_path(collection, &split_path(next))
                .map_err(|m| GenError::at(pointer(&ext_at, &["nextLinkField"]), m))?;
        }
        Ok(Paging {
            item: *item,
            items_field: p.items_field,
            token_field: p.token_field,
            token_header: p.token_header,
            seek_parameter: p.seek_parameter,
            seek_value: p.seek_value,
            total_count_field: p.total_count_field,
        })
    }
}

/// The operations of one resource group while they are gathered.
struct TagGroup {
    /// The tag in lower case (`None`: operations without a tag).
    key: Option<String>,
    /// The tag as the group shows it.
    tag: Option<String>,
    operations: Vec<Operation>,
}

pub(super) fn http_method(m: &str) -> HttpMethod {
    match m {
        "put" => HttpMethod::Put,
        "post" => HttpMethod::Post,
        "delete" => HttpMethod::Delete,
        "patch" => HttpMethod::Patch,
        "head" => HttpMethod::Head,
        "options" => HttpMethod::Options,
        "trace" => HttpMethod::Trace,
        _ => HttpMethod::Get,
    }
}

/// `{name}` segments of a path template.
pub fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}
