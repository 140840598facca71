use std::io::Write as _;
use std::path::Path;

use super::*;

/// `(code, file, line, column)` of each diagnostic, for comparing in one line.
fn found(bytes: &[u8], name: &str) -> Vec<(&'static str, String, u32, u32)> {
    let file = Path::new(name);
    analyse(bytes, file)
        .diagnostics(file)
        .into_iter()
        .map(|d| (d.code, d.file.display().to_string(), d.line, d.column))
        .collect()
}

fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = ::tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = ::tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(data.len() as u64);
        builder.append_data(&mut header, name, *data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// A TMVA BDT of one tree cutting on `x`; `children` are the root node's children.
fn bdt_xml(children: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<MethodSetup Method="BDT::BDT">
  <Variables NVar="1">
    <Variable VarIndex="0" Expression="x" Label="x" Title="x" Unit="" Internal="x" Type="F" Min="0" Max="1"/>
  </Variables>
  <Weights NTrees="1" AnalysisType="0">
    <BinaryTree type="DecisionTree" boostWeight="1" itree="0">
      <Node pos="s" depth="0" NCoef="0" IVar="0" Cut="0.5" cType="1" res="0" rms="0" purity="0.5" nType="0">
{children}
      </Node>
    </BinaryTree>
  </Weights>
</MethodSetup>
"#
    )
}

const LEFT: &str = r#"        <Node pos="l" depth="1" NCoef="0" IVar="-1" Cut="0" cType="1" res="-1" rms="0" purity="0.2" nType="-1"/>"#;
const RIGHT: &str = r#"        <Node pos="r" depth="1" NCoef="0" IVar="-1" Cut="0" cType="1" res="1" rms="0" purity="0.8" nType="1"/>"#;

#[test]
fn a_good_bdt_is_read_and_has_no_problems() {
    let xml = bdt_xml(&format!("{LEFT}\n{RIGHT}"));
    let a = analyse(xml.as_bytes(), Path::new("v1/good.weights.xml"));
    assert!(a.diagnostics(Path::new("x")).is_empty());
    assert_eq!(a.bdt.as_ref().unwrap().ntrees, 1);
}

#[test]
fn malformed_xml_is_a_warning_at_its_position() {
    let xml = "<?xml version=\"1.0\"?>\n<MethodSetup>\n  <Options>\n</MethodSetup>\n";
    assert_eq!(
        found(xml.as_bytes(), "v1/bdt.xml"),
        [("W014", "v1/bdt.xml".to_string(), 4, 1)]
    );
    // Recognised from its first bytes whatever its name.
    assert_eq!(found(xml.as_bytes(), "v1/weights.txt")[0].0, "W014");
}

#[test]
fn xml_that_is_not_utf8_is_a_warning_at_the_first_bad_byte() {
    let bytes = b"<?xml version=\"1.0\"?>\n<a>caf\xe9</a>\n";
    assert_eq!(
        found(bytes, "v1/a.xml"),
        [("W014", "v1/a.xml".to_string(), 2, 7)]
    );
}

#[test]
fn other_well_formed_xml_is_just_a_resource() {
    let svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    assert!(found(svg.as_bytes(), "v1/plot.svg").is_empty());
    assert!(
        analyse(svg.as_bytes(), Path::new("v1/plot.svg"))
            .bdt
            .is_none()
    );
}

#[test]
fn a_bdt_that_cannot_be_evaluated_is_a_warning_at_the_node() {
    // One child only: the evaluation would stop at an inner node.
    assert_eq!(
        found(bdt_xml(LEFT).as_bytes(), "v1/one.xml"),
        [("W015", "v1/one.xml".to_string(), 8, 7)]
    );
    // A cut on a variable the file does not declare.
    let xml = bdt_xml(&format!("{LEFT}\n{RIGHT}")).replace(r#"IVar="0""#, r#"IVar="3""#);
    let a = analyse(xml.as_bytes(), Path::new("v1/ivar.xml"));
    let d = a.diagnostics(Path::new("v1/ivar.xml"));
    assert_eq!((d[0].code, d[0].line), ("W015", 8));
    assert!(d[0].message.contains("IVar=3"), "{}", d[0].message);
    // A tree without nodes.
    let xml = "<MethodSetup Method=\"BDT::B\"><Weights>\n<BinaryTree boostWeight=\"1\"/>\n</Weights></MethodSetup>";
    assert_eq!(
        found(xml.as_bytes(), "v1/empty.xml"),
        [("W015", "v1/empty.xml".to_string(), 2, 1)]
    );
    // No trees at all.
    let xml = "<MethodSetup Method=\"BDT::B\"><Weights/></MethodSetup>";
    assert_eq!(
        found(xml.as_bytes(), "v1/none.xml"),
        [("W015", "v1/none.xml".to_string(), 0, 0)]
    );
}

#[test]
fn malformed_json_is_a_warning_at_its_position() {
    // The column counts characters: "µ" is two bytes, one character.
    let json = "{\n  \"title\": \"µ\", \"x\": [1, 2,]\n}\n";
    assert_eq!(
        found(json.as_bytes(), "v1/notes.json"),
        [("W014", "v1/notes.json".to_string(), 2, 28)]
    );
    // Other JSON is just a resource.
    assert!(found(b"{\"a\": 1}", "v1/notes.json").is_empty());
}

#[test]
fn a_standalone_pyhf_workspace_is_checked() {
    let ws = include_str!("../../tests/fixtures/check/pyhf/ws.json");
    let d = found(ws.as_bytes(), "v1/BkgOnly.json");
    assert!(d.iter().any(|x| x.0 == "E062" && x.2 > 0), "{d:?}");
    // A lone "channels" key does not make a workspace.
    assert!(found(b"{\"channels\": []}", "v1/settings.json").is_empty());
}

#[test]
fn members_of_an_archive_are_checked_and_named() {
    let bytes = tar_gz(&[
        ("bdts/bad.weights.xml", b"<MethodSetup>\n<Weights>\n"),
        ("bdts/README.json", b"{\"ok\": true}"),
        ("notes.json", b"[1,\n2"),
    ]);
    let a = analyse(&bytes, Path::new("first/label.tar.gz"));
    assert_eq!(a.archive.as_ref().unwrap().files.len(), 3);
    let d: Vec<(&str, String, u32)> = a
        .diagnostics(Path::new("v1/bdts.tar.gz"))
        .into_iter()
        .map(|d| (d.code, d.file.display().to_string(), d.line))
        .collect();
    assert_eq!(
        d,
        [
            ("W014", "v1/bdts.tar.gz:bdts/bad.weights.xml".to_string(), 1),
            ("W014", "v1/bdts.tar.gz:notes.json".to_string(), 2),
        ]
    );
}

#[test]
fn an_unreadable_archive_is_an_error_and_explained_for_pages() {
    let bytes = b"\x1f\x8b\x08\x00garbage";
    let a = analyse(bytes, Path::new("v1/l.tar.gz"));
    assert_eq!(a.diagnostics(Path::new("v1/l.tar.gz"))[0].code, "E071");
    assert!(a.archive_error.is_some());
}

#[test]
fn files_of_other_kinds_are_not_read() {
    assert!(found(b"{ not json", "v1/notes.txt").is_empty());
    assert!(found(b"\x89PNG\r\n", "v1/plot.png").is_empty());
}

#[test]
fn the_checker_and_the_page_share_one_analysis() {
    // The checker names the file by its path, the page by its name alone.
    let bytes = tar_gz(&[("r/notes.json", b"{\"shared\": 1}")]);
    let checked = analyse(&bytes, Path::new("records/x/v1/shared.tar.gz"));
    let shown = analyse(&bytes, Path::new("shared.tar.gz"));
    assert!(Arc::ptr_eq(&checked, &shown));
    // Another name is analysed apart.
    let other = analyse(&bytes, Path::new("records/x/v1/other.tar.gz"));
    assert!(!Arc::ptr_eq(&checked, &other));
}
