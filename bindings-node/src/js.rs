//! Reading JS arguments defensively: every wrong type or unknown option becomes an
//! `input.argument` or `input.option` error with a message that names the argument, never
//! napi's generic type error and never a crash.

use crate::errors::{Failure, Fallible};
use napi::ValueType;
use napi::bindgen_prelude::{
    FromNapiValue, JsObjectValue, JsValue, Object, Uint8ArraySlice, Unknown,
};

/// The largest integer a JS number holds exactly (2^53).
pub(crate) const MAX_SAFE: f64 = 9_007_199_254_740_992.0;

/// A readable name of a JS type, for messages.
pub(crate) fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        _ => "bigint or another unsupported type",
    }
}

/// `true` for `undefined` and `null`.
pub(crate) fn is_nullish(u: &Unknown<'_>) -> Fallible<bool> {
    Ok(matches!(
        u.get_type()?,
        ValueType::Undefined | ValueType::Null
    ))
}

/// A plain object (not an array, not null), or an `input.argument` error naming `what`.
pub(crate) fn object<'e>(u: Unknown<'e>, what: &str) -> Fallible<Object<'e>> {
    let t = u.get_type()?;
    if t != ValueType::Object || u.is_array()? {
        let got = if t == ValueType::Object {
            "an array"
        } else {
            type_name(t)
        };
        return Err(Failure::argument(
            format!("{what} must be an object, got {got}"),
            None,
        ));
    }
    Ok(Object::from_unknown(u)?)
}

/// An options object: `undefined`/`null` mean none. Keys outside `allowed` are an
/// `input.option` error, so that a typo is not silently ignored.
pub(crate) fn options<'e>(
    u: Option<Unknown<'e>>,
    what: &str,
    allowed: &[&str],
) -> Fallible<Option<Object<'e>>> {
    let Some(u) = u else { return Ok(None) };
    if is_nullish(&u)? {
        return Ok(None);
    }
    let obj = object(u, what)?;
    for key in Object::keys(&obj)? {
        if !allowed.contains(&key.as_str()) {
            return Err(Failure::option(format!(
                "{what} has an unknown option `{key}`; known: {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(Some(obj))
}

/// A property, `None` when it is `undefined` or `null`.
pub(crate) fn prop<'e>(obj: &Object<'e>, key: &str) -> Fallible<Option<Unknown<'e>>> {
    let u: Unknown<'e> = obj.get_named_property(key)?;
    Ok(if is_nullish(&u)? { None } else { Some(u) })
}

/// An optional string property.
pub(crate) fn opt_string(obj: &Object<'_>, key: &str, what: &str) -> Fallible<Option<String>> {
    let Some(u) = prop(obj, key)? else {
        return Ok(None);
    };
    let t = u.get_type()?;
    if t != ValueType::String {
        return Err(Failure::argument(
            format!("{what}.{key} must be a string, got {}", type_name(t)),
            None,
        ));
    }
    Ok(Some(String::from_unknown(u)?))
}

/// An optional non-negative integer property (at most 2^53).
pub(crate) fn opt_uint(obj: &Object<'_>, key: &str, what: &str) -> Fallible<Option<u64>> {
    let Some(u) = prop(obj, key)? else {
        return Ok(None);
    };
    let t = u.get_type()?;
    let bad = || Failure::argument(format!("{what}.{key} must be a non-negative integer"), None);
    if t != ValueType::Number {
        return Err(bad());
    }
    let f = f64::from_unknown(u)?;
    if !(f.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&f)) {
        return Err(bad());
    }
    Ok(Some(f as u64))
}

/// An optional array of strings.
pub(crate) fn opt_strings(
    obj: &Object<'_>,
    key: &str,
    what: &str,
) -> Fallible<Option<Vec<String>>> {
    let Some(u) = prop(obj, key)? else {
        return Ok(None);
    };
    let bad = || Failure::argument(format!("{what}.{key} must be an array of strings"), None);
    if !u.is_array()? {
        return Err(bad());
    }
    let arr = Object::from_unknown(u)?;
    let len = arr.get_array_length()?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let e: Unknown<'_> = arr.get_element(i)?;
        if e.get_type()? != ValueType::String {
            return Err(bad());
        }
        out.push(String::from_unknown(e)?);
    }
    Ok(Some(out))
}

/// An optional byte string property: a `Buffer` / `Uint8Array`, or a string (its UTF-8
/// bytes). The bytes are never put in a message.
pub(crate) fn opt_bytes(obj: &Object<'_>, key: &str, what: &str) -> Fallible<Option<Vec<u8>>> {
    let Some(u) = prop(obj, key)? else {
        return Ok(None);
    };
    let bad = || {
        Failure::argument(
            format!("{what}.{key} must be a Buffer, a Uint8Array or a string"),
            None,
        )
    };
    match u.get_type()? {
        ValueType::String => Ok(Some(String::from_unknown(u)?.into_bytes())),
        ValueType::Object if u.is_typedarray()? => Ok(Some(
            Uint8ArraySlice::from_unknown(u)
                .map_err(|_| bad())?
                .to_vec(),
        )),
        _ => Err(bad()),
    }
}
