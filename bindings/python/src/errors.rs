//! `sdk_runtime::Error` → the Python exception classes of the package's `_errors.py`.
//!
//! The classes are plain Python (abi3 below 3.12 cannot subclass exceptions from Rust); the glue
//! looks up `<package>._errors.error_class` once and builds each exception with the keyword
//! arguments of docs/contract.md §4. Nothing here ever sees the token.

use bridge::ErrorFields;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use sdk_runtime::Error;
use serde_json::Value;

static ERROR_CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn error_class<'py>(py: Python<'py>, kind: &str) -> PyResult<Bound<'py, PyAny>> {
    let lookup = ERROR_CLASS.get_or_try_init(py, || {
        py.import(crate::sibling("_errors"))?
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

/// The keyword arguments of the Python exception for `f`.
fn error_kwargs<'py>(py: Python<'py>, f: ErrorFields) -> PyResult<Bound<'py, PyDict>> {
    let data = PyList::empty(py);
    for item in &f.data {
        data.append(json_to_py(py, item)?)?;
    }
    let kw = PyDict::new(py);
    kw.set_item("kind", f.kind)?;
    kw.set_item("message", f.message)?;
    kw.set_item("status", f.status)?;
    kw.set_item("code", f.code)?;
    kw.set_item("error_codes", f.error_codes)?;
    kw.set_item("trace_id", f.trace_id)?;
    kw.set_item("description", f.description)?;
    kw.set_item("data", data)?;
    kw.set_item("source", f.source)?;
    kw.set_item("request_id", f.request_id)?;
    kw.set_item("correlation_id", f.correlation_id)?;
    kw.set_item("retry_after", f.retry_after)?;
    kw.set_item("errors", f.errors)?;
    kw.set_item("body", f.body)?;
    Ok(kw)
}

/// The Python exception for `err`. `correlation_id` is the client's, reported for failures that
/// reached (or tried to reach) the network when the answer carried none.
pub fn to_pyerr(py: Python<'_>, err: &Error, correlation_id: Option<&str>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let fields = ErrorFields::of(err, correlation_id);
        // The bridge's kind: finer than the runtime's (e.g. "mfa_required" for a 401).
        let class = error_class(py, fields.kind)?;
        let kwargs = error_kwargs(py, fields)?;
        let value = class.call((), Some(&kwargs))?;
        Ok(PyErr::from_value(value))
    };
    match build() {
        Ok(e) => e,
        // <package>._errors missing or broken: still say what happened.
        Err(lookup) => {
            let e = PyRuntimeError::new_err(format!("{} ({})", err, err.kind().as_str()));
            e.set_cause(py, Some(lookup));
            e
        }
    }
}
