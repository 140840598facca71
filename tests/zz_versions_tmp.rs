use std::path::Path;
use hepstatic::check::{check, counts};
use hepstatic::load::{Options, load};
#[test]
fn versions() {
    let ref_: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("/tmp/ref_versions.json").unwrap()).unwrap();
    let corpus = Path::new("/work/shared/corpus");
    for (key, verdict) in ref_.as_object().unwrap() {
        let (v, item) = key.split_once(' ').unwrap();
        let options = Options { schema_version: v.parse().unwrap(), ..Options::default() };
        let loaded = load(&corpus.join(item), &options).unwrap();
        let d = check(&loaded);
        let (e, _) = counts(&d);
        let mine = if e == 0 { "valid" } else { "invalid" };
        if mine != verdict.as_str().unwrap() {
            println!("DIFF {v} {item}: reference {verdict}, hepstatic {mine}");
            for x in d.iter().filter(|x| x.is_error()).take(4) { println!("    {}", x.to_string().lines().next().unwrap().replace("/work/shared/corpus/", "")); }
        }
    }
}
