use hepstatic::load::{Options, load_record};
use hepstatic::render::formats::yoda::{YodaOptions, rivet_analysis, table_yoda_with};
fn main() {
    for entry in std::fs::read_dir("records").unwrap() {
        let dir = entry.unwrap().path();
        let mut d = Vec::new();
        let Some(r) = load_record(&dir, &Options::default(), &mut d) else {
            continue;
        };
        for v in &r.versions {
            println!(
                "{:?} analysis {:?}",
                dir,
                rivet_analysis(&r.meta, &v.submission.resources)
            );
            for (k, t) in v.submission.tables.iter().enumerate() {
                let Some(data) = &t.data else { continue };
                let y = table_yoda_with(t, data, &YodaOptions::new("X", k + 1));
                let types: Vec<&str> = y.text.lines().filter(|l| l.starts_with("Type:")).collect();
                if !y.notes.is_empty() {
                    println!(
                        "  t{} {} {:?} notes {:?}",
                        k + 1,
                        t.name.value,
                        types.first(),
                        y.notes
                            .iter()
                            .map(|n| n.chars().take(150).collect::<String>())
                            .collect::<Vec<_>>()
                    );
                }
            }
        }
    }
}
