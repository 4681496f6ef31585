//! `sdk_runtime::Error` → the Python exception classes of `partner_center/_errors.py`.
//!
//! The classes are plain Python (abi3 below 3.12 cannot subclass exceptions from Rust); the glue
//! looks up `partner_center._errors.error_class` once and builds each exception with the keyword
//! arguments of docs/contract.md §4. Nothing here ever sees the token.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use sdk_runtime::Error;
use serde_json::Value;

static ERROR_CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn error_class<'py>(py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    let lookup = ERROR_CLASS.get_or_try_init(py, || {
        py.import("partner_center._errors")?
            .getattr("error_class")
            .map(Bound::unbind)
    })?;
    lookup.bind(py).call1((kind,))
}

/// A JSON value as the Python object `json.loads` would give.
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// The keyword arguments of the Python exception for `err`.
fn error_kwargs<'py>(
    py: Python<'py>,
    err: &Error,
    correlation_id: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let kw = PyDict::new(py);
    kw.set_item("kind", err.kind().as_str())?;
    kw.set_item("message", err.to_string())?;
    kw.set_item("status", err.status())?;
    kw.set_item("request_id", err.request_id())?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut data = PyList::empty(py);
    let (mut code, mut description, mut source, mut body) = (None, None, None, None);
    let mut retry_after = None;
    let mut correlation = match err {
        Error::Validation(_) | Error::Config(_) => None,
        _ => correlation_id.map(str::to_string),
    };
    match err {
        Error::Api(api) => {
            code = api.code.clone();
            description = api.description.clone();
            source = api.source.clone();
            body = Some(api.body.clone());
            retry_after = api.retry_after.map(|d| d.as_secs_f64());
            if api.correlation_id.is_some() {
                correlation = api.correlation_id.clone();
            }
            data = PyList::empty(py);
            for item in &api.data {
                data.append(json_to_py(py, item)?)?;
            }
        }
        Error::Validation(v) => {
            errors = v
                .errors
                .iter()
                .map(|e| (e.path.clone(), e.message.clone()))
                .collect();
        }
        Error::Decode { body_excerpt, .. } => body = Some(body_excerpt.clone()),
        _ => {}
    }
    kw.set_item("code", code)?;
    kw.set_item("description", description)?;
    kw.set_item("data", data)?;
    kw.set_item("source", source)?;
    kw.set_item("correlation_id", correlation)?;
    kw.set_item("retry_after", retry_after)?;
    kw.set_item("errors", errors)?;
    kw.set_item("body", body)?;
    Ok(kw)
}

/// The Python exception for `err`. `correlation_id` is the client's, reported for failures that
/// reached (or tried to reach) the network when the answer carried none.
pub fn to_pyerr(py: Python<'_>, err: &Error, correlation_id: Option<&str>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = error_class(py, err.kind().as_str())?;
        let kwargs = error_kwargs(py, err, correlation_id)?;
        let value = class.call((), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    match build() {
        Ok(e) => e,
        // partner_center._errors missing or broken: still say what happened.
        Err(lookup) => {
            let e = PyRuntimeError::new_err(format!("{} ({})", err, err.kind().as_str()));
            e.set_cause(py, Some(lookup));
            e
        }
    }
}
