//! The CLI's built-in samples (`samples/`, embedded by `src/samples.rs`) are copies of
//! the repository's fixtures, made by `scripts/gen_samples.py`; this test fails when one
//! of them drifts from its fixture, or when a fixture a sample needs has gone.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::Path;

#[test]
fn samples_match_the_fixtures() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = crate_dir.join("../imhook-core/tests/fixtures");
    let mut compared = 0;
    for provider in ["tencent", "agora"] {
        let dir = crate_dir.join("samples").join(provider);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap();
            let fixture = fixtures.join(provider).join(name);
            let sample = std::fs::read(&path).unwrap();
            let original = std::fs::read(&fixture).unwrap_or_else(|e| {
                panic!("{}: no fixture {}: {e}", path.display(), fixture.display())
            });
            assert!(
                sample == original,
                "{} differs from {}: run crates/imhook-cli/scripts/gen_samples.py",
                path.display(),
                fixture.display()
            );
            compared += 1;
        }
    }
    // One sample per kind id of both catalogues.
    assert!(compared >= 140, "only {compared} samples");
}
