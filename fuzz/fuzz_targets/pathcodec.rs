//! The JSON path encoding on arbitrary bytes: the encoding is valid JSON and
//! decodes to exactly the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use statree::output::pathcodec;

fuzz_target!(|data: &[u8]| {
    let mut encoded = Vec::new();
    pathcodec::encode(data, &mut encoded);
    let value: serde_json::Value = match serde_json::from_slice(&encoded) {
        Ok(value) => value,
        Err(err) => panic!("{data:?} encodes to invalid JSON {encoded:?}: {err}"),
    };
    assert_eq!(pathcodec::decode(&value).as_deref(), Some(data), "{data:?} via {value}");
});
