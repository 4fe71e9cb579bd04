//! The little SOAP this crate needs: a small element tree read with quick-xml, fault
//! parsing, and XML escaping for values.

use quick_xml::Reader;
use quick_xml::events::Event;

/// An element: its local name (namespace prefix dropped), its text and its children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub name: String,
    /// The `xsi:type` attribute without its prefix (`Account` for `sf:Account`).
    pub xsi_type: Option<String>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this local name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// A child's text, trimmed; `None` when absent, empty or `xsi:nil`.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim().to_owned())
            .filter(|t| !t.is_empty())
    }

    /// The first descendant (depth first) with this local name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_owned(),
        None => name.to_owned(),
    }
}

fn xsi_type(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (local(a.key.as_ref()) == "type").then(|| local(&a.value)))
}

/// Parses a document into its root element. `None` for anything that is not well-formed.
pub(crate) fn parse(xml: &[u8]) -> Option<Element> {
    let text = std::str::from_utf8(xml).ok()?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => stack.push(Element {
                name: local(e.name().as_ref()),
                xsi_type: xsi_type(&e),
                ..Element::default()
            }),
            Event::Empty(e) => {
                let el = Element {
                    name: local(e.name().as_ref()),
                    xsi_type: xsi_type(&e),
                    ..Element::default()
                };
                stack.last_mut()?.children.push(el);
            }
            Event::End(_) => {
                let done = stack.pop()?;
                stack.last_mut()?.children.push(done);
            }
            Event::Text(t) => stack.last_mut()?.text.push_str(&t.xml10_content()),
            Event::CData(t) => stack.last_mut()?.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok()??.to_string()
                } else {
                    let name: &str = r.as_ref();
                    quick_xml::escape::resolve_predefined_entity(name)?.to_owned()
                };
                stack.last_mut()?.text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop()?;
    if !stack.is_empty() {
        return None;
    }
    root.children.pop()
}

/// A SOAP fault: the code without its namespace prefix (`INVALID_SESSION_ID`) and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub code: String,
    pub message: String,
}

/// The fault in a SOAP response body, if there is one.
pub(crate) fn parse_fault(body: &[u8]) -> Option<Fault> {
    let root = parse(body)?;
    let fault = root.find("Fault")?;
    let code = fault.text_of("faultcode")?;
    let code = code
        .rsplit_once(':')
        .map_or(code.as_str(), |(_, c)| c)
        .to_owned();
    let message = fault.text_of("faultstring").unwrap_or_else(|| code.clone());
    Some(Fault { code, message })
}

/// Escapes text for an XML element.
pub(crate) fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_and_entities() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID &amp; &#x41;</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let fault = parse_fault(xml);
        assert_eq!(
            fault,
            Some(Fault {
                code: "INVALID_SESSION_ID".into(),
                message: "INVALID_SESSION_ID: Invalid Session ID & A".into()
            })
        );
        assert_eq!(parse_fault(b"not xml <"), None);
        assert_eq!(escape("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;");
    }
}
