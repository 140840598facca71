//! schema.org JSON-LD for the `<head>` of every page: a `Dataset` for each landing page,
//! a `DataCatalog` for the lists of records.

use serde_json::{Map, Value as Json, json};

use super::Metadata;

/// The `Dataset` of one landing page. A draft gets no DOI identifier: its DOI is only
/// reserved and does not resolve yet.
pub fn dataset(m: &Metadata, part_of: Option<&str>) -> Json {
    let mut d = Map::new();
    d.insert("@context".into(), json!("https://schema.org"));
    d.insert("@type".into(), json!("Dataset"));
    if m.draft {
        d.insert("@id".into(), json!(m.landing_url));
        d.insert("creativeWorkStatus".into(), json!("Draft"));
    } else {
        let doi_url = format!("https://doi.org/{}", m.doi);
        d.insert("@id".into(), json!(doi_url));
        d.insert(
            "identifier".into(),
            json!({ "@type": "PropertyValue", "propertyID": "DOI", "value": m.doi, "url": doi_url }),
        );
    }
    d.insert("name".into(), json!(m.title));
    let description = m
        .descriptions
        .first()
        .map_or_else(|| m.title.clone(), |(_, t)| t.trim().to_string());
    d.insert("description".into(), json!(description));
    d.insert("url".into(), json!(m.landing_url));
    let creators: Vec<Json> = m
        .creators
        .iter()
        .map(|c| {
            json!({ "@type": if c.organisation { "Organization" } else { "Person" }, "name": c.name })
        })
        .collect();
    d.insert("creator".into(), json!(creators));
    d.insert(
        "publisher".into(),
        json!({ "@type": "Organization", "name": m.publisher }),
    );
    if let Some(date) = &m.issued {
        d.insert("datePublished".into(), json!(date));
    }
    if let Some(v) = m.version {
        d.insert("version".into(), json!(v.to_string()));
    }
    d.insert(
        "license".into(),
        json!(
            m.rights
                .url
                .clone()
                .unwrap_or_else(|| m.rights.name.clone())
        ),
    );
    d.insert("isAccessibleForFree".into(), json!(true));
    if !m.subjects.is_empty() {
        let keywords: Vec<&str> = m.subjects.iter().map(|(_, t)| t.as_str()).collect();
        d.insert("keywords".into(), json!(keywords));
    }
    if let Some(parent) = part_of {
        d.insert("isPartOf".into(), json!({ "@id": parent }));
    }
    let papers: Vec<String> = m
        .related
        .iter()
        .filter(|r| r.relation == "IsSupplementTo")
        .map(|r| match r.kind {
            "DOI" => format!("https://doi.org/{}", r.id),
            "arXiv" => format!(
                "https://arxiv.org/abs/{}",
                r.id.trim_start_matches("arXiv:")
            ),
            _ => r.id.clone(),
        })
        .collect();
    if !papers.is_empty() {
        d.insert("citation".into(), json!(papers));
    }
    if !m.downloads.is_empty() {
        let files: Vec<Json> = m
            .downloads
            .iter()
            .map(|f| json!({ "@type": "DataDownload", "encodingFormat": f.mime, "contentUrl": f.url }))
            .collect();
        d.insert("distribution".into(), json!(files));
    }
    Json::Object(d)
}

/// The `DataCatalog` of the site, for the home page and the list of records.
pub fn catalog(title: &str, base_url: &str, publisher: &str) -> Json {
    json!({
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": title,
        "url": base_url,
        "publisher": { "@type": "Organization", "name": publisher },
    })
}

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` are
/// written as JSON escapes, so no text of a record can close the element.
pub fn script_text(value: &Json) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
