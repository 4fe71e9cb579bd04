//! The little SOAP this crate needs: a small element tree read with quick-xml, fault
//! parsing, and XML escaping for values.
//!
//! The tree is built without recursion (an explicit stack of open elements) and within
//! [`MAX_DEPTH`] levels and [`MAX_ELEMENTS`] elements, so that a hostile body (an error
//! page from a proxy, an outbound message from anyone who can reach the endpoint) gets a
//! typed error instead of exhausting the stack or memory. Every walk of the tree is
//! iterative as well.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Deepest element nesting accepted. Salesforce's SOAP answers and outbound messages nest
/// about six levels (`Envelope > Body > notifications > Notification > sObject > field`);
/// 64 leaves ample room and keeps every walk of the tree shallow.
pub(crate) const MAX_DEPTH: usize = 64;

/// Most elements in one document. An outbound message carries at most 100 notifications
/// of at most a few hundred fields each; the cap bounds the tree's memory (an element costs
/// about a hundred bytes, far more than the four bytes of `<a/>` that create it).
pub(crate) const MAX_ELEMENTS: usize = 250_000;

/// Why a document was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlError {
    /// Not UTF-8 or not well-formed.
    Malformed,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More than [`MAX_ELEMENTS`] elements.
    TooManyElements,
}

impl XmlError {
    /// A short description for error messages.
    pub fn describe(self) -> String {
        match self {
            Self::Malformed => "is not well-formed XML".to_owned(),
            Self::TooDeep => format!("nests elements deeper than {MAX_DEPTH} levels"),
            Self::TooManyElements => format!("has more than {MAX_ELEMENTS} elements"),
        }
    }
}

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

    /// The first descendant (depth first, pre-order) with this local name. Iterative, so
    /// it does not depend on the depth limit to be safe.
    pub fn find(&self, name: &str) -> Option<&Element> {
        let mut pending: Vec<&Element> = vec![self];
        while let Some(el) = pending.pop() {
            if el.name == name {
                return Some(el);
            }
            // Reversed so that the first child is visited first.
            pending.extend(el.children.iter().rev());
        }
        None
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

fn element(e: &quick_xml::events::BytesStart<'_>) -> Element {
    Element {
        name: local(e.name().as_ref()),
        xsi_type: xsi_type(e),
        ..Element::default()
    }
}

/// Parses a document into its root element.
///
/// The open elements live on an explicit stack (index 0 is a sentinel holding the
/// document's top-level elements), so depth costs heap, never call stack, and is refused
/// past [`MAX_DEPTH`] before it costs anything.
pub(crate) fn parse(xml: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(xml).map_err(|_| XmlError::Malformed)?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut elements: usize = 0;
    loop {
        let event = reader.read_event().map_err(|_| XmlError::Malformed)?;
        if matches!(event, Event::Start(_) | Event::Empty(_)) {
            // `stack.len()` is the depth the new element would have.
            if stack.len() > MAX_DEPTH {
                return Err(XmlError::TooDeep);
            }
            elements = elements.saturating_add(1);
            if elements > MAX_ELEMENTS {
                return Err(XmlError::TooManyElements);
            }
        }
        match event {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => {
                let el = element(&e);
                stack
                    .last_mut()
                    .ok_or(XmlError::Malformed)?
                    .children
                    .push(el);
            }
            Event::End(_) => {
                // The sentinel is never closed: an end tag without a start is malformed.
                if stack.len() < 2 {
                    return Err(XmlError::Malformed);
                }
                let done = stack.pop().ok_or(XmlError::Malformed)?;
                stack
                    .last_mut()
                    .ok_or(XmlError::Malformed)?
                    .children
                    .push(done);
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .ok()
                        .flatten()
                        .ok_or(XmlError::Malformed)?
                        .to_string()
                } else {
                    let name: &str = r.as_ref();
                    // Only the five predefined entities: a DTD's own entities (and their
                    // expansion bombs) are never resolved.
                    quick_xml::escape::resolve_predefined_entity(name)
                        .ok_or(XmlError::Malformed)?
                        .to_owned()
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().ok_or(XmlError::Malformed)?;
    if !stack.is_empty() {
        return Err(XmlError::Malformed);
    }
    root.children.pop().ok_or(XmlError::Malformed)
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), XmlError> {
    stack
        .last_mut()
        .ok_or(XmlError::Malformed)?
        .text
        .push_str(text);
    Ok(())
}

/// A SOAP fault: the code without its namespace prefix (`INVALID_SESSION_ID`) and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub code: String,
    pub message: String,
}

/// The fault in a SOAP response body, if there is one.
pub(crate) fn parse_fault(body: &[u8]) -> Option<Fault> {
    let root = parse(body).ok()?;
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
        assert_eq!(parse(b"</a>"), Err(XmlError::Malformed));
        assert_eq!(parse(b"<a><b></a></b>"), Err(XmlError::Malformed));
        assert_eq!(escape("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;");
    }

    fn nested(levels: usize) -> String {
        format!("{}{}", "<a>".repeat(levels), "</a>".repeat(levels))
    }

    #[test]
    fn depth_is_bounded_and_counted_from_the_root() {
        let at_limit = parse(nested(MAX_DEPTH).as_bytes());
        assert!(at_limit.is_ok());
        assert_eq!(
            parse(nested(MAX_DEPTH + 1).as_bytes()),
            Err(XmlError::TooDeep)
        );
        // An empty element one level too deep counts as well.
        let deep_empty = format!(
            "{}<b/>{}",
            "<a>".repeat(MAX_DEPTH),
            "</a>".repeat(MAX_DEPTH)
        );
        assert_eq!(parse(deep_empty.as_bytes()), Err(XmlError::TooDeep));
        // The deepest element is found by the iterative walk.
        let mut deepest = format!("{}<x>hit</x>", "<a>".repeat(MAX_DEPTH - 1));
        deepest.push_str(&"</a>".repeat(MAX_DEPTH - 1));
        let root = parse(deepest.as_bytes()).unwrap_or_default();
        assert_eq!(root.find("x").map(|x| x.text.as_str()), Some("hit"));
    }

    #[test]
    fn find_is_depth_first_in_document_order() {
        let root = parse(b"<r><a><t>1</t></a><t>2</t></r>").unwrap_or_default();
        assert_eq!(root.find("t").map(|t| t.text.as_str()), Some("1"));
    }
}
