use hepstatic::check::check;
use hepstatic::load::{Options, load, load_submission};
use std::path::{Path, PathBuf};

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases")
}

#[test]
fn dump() {
    let base = cases();
    for p in [
        "c01/input",
        "c02/input",
        "c03/input",
        "c04/valid",
        "c04/invalid",
        "c05/valid",
        "c05/invalid",
        "c07/input",
        "c07/valid",
        "c08/input",
        "c11/input",
        "c12/valid",
        "c12/invalid",
        "c13/valid",
        "c13/invalid",
        "c14/input",
        "c15/single_ok.yaml",
        "c17/resources",
        "c17/lastdoc",
        "c17/licence",
        "c23/input",
        "c23/input_wellformed",
        "c29/anchors_ok",
        "c29/alias_bomb",
        "c35/input",
    ] {
        let path = base.join(p);
        let loaded = load(&path, &Options::default()).unwrap();
        let d = check(&loaded);
        println!("==== {p}");
        for x in &d {
            println!(
                "{}",
                x.to_string().replace(&format!("{}/", base.display()), "")
            );
        }
    }
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    for p in ["bom_crlf","tabs","duplicate_keys","python_tag","empty_documents","declared_v0","references","pyhf"] {
        let loaded = load(&fx.join(p), &Options::default()).unwrap();
        println!("==== {p}");
        for x in &check(&loaded) { println!("{}", x.to_string().replace(&format!("{}/", fx.display()), "")); }
    }
    let mut diags = Vec::new();
    let sub = load_submission(
        &base.join("c15/bare_table.yaml"),
        &Options::default(),
        &mut diags,
    );
    let l = hepstatic::load::Loaded {
        items: vec![hepstatic::load::Item::Submission(sub)],
        diagnostics: diags,
        ..Default::default()
    };
    println!("==== c15/bare_table.yaml");
    for x in &check(&l) {
        println!(
            "{}",
            x.to_string().replace(&format!("{}/", base.display()), "")
        );
    }
}
