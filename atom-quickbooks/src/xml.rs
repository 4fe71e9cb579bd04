//! The XML form of a `Fault` (`<IntuitResponse><Fault type="…"><Error code="…"
//! element="…"><Message>…</Message><Detail>…</Detail></Error></Fault>`), read as a stream:
//! no tree is built, so a hostile body costs no more than one pass over its bytes, and at
//! most [`MAX_FAULT_ERRORS`] entries are kept.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Fault, FaultError, FaultType};

/// Most `Error` entries kept from one fault.
pub(crate) const MAX_FAULT_ERRORS: usize = 100;

/// Longest text kept from one `Message` or `Detail`.
const MAX_TEXT: usize = 4096;

fn local(name: &str) -> &str {
    match name.rsplit_once(':') {
        Some((_, l)) => l,
        None => name,
    }
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (local(a.key.as_ref()) == name).then(|| unescape(&a.value)))
}

fn unescape(text: &str) -> String {
    quick_xml::escape::unescape(text)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| text.to_owned())
}

#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    Message,
    Detail,
}

/// The first `Fault` of an XML body, or `None` when the body is not XML or holds none.
pub(crate) fn parse_fault(body: &[u8]) -> Option<Fault> {
    let text = std::str::from_utf8(body).ok()?;
    let mut reader = Reader::from_str(text);
    let mut fault: Option<Fault> = None;
    let mut current: Option<FaultError> = None;
    let mut field = Field::None;
    loop {
        // A body that breaks off keeps what was read of its fault.
        let Ok(event) = reader.read_event() else {
            return fault;
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => match local(e.name().as_ref()) {
                "Fault" if fault.is_none() => {
                    fault = Some(Fault {
                        errors: Vec::new(),
                        fault_type: attribute(&e, "type").map(|t| FaultType::from(t.as_str())),
                    });
                }
                "Fault" if empty => return fault,
                "Error" if fault.is_some() => {
                    let error = FaultError {
                        code: attribute(&e, "code"),
                        element: attribute(&e, "element"),
                        ..FaultError::default()
                    };
                    if !empty {
                        current = Some(error);
                    } else if let Some(f) = fault.as_mut()
                        && f.errors.len() < MAX_FAULT_ERRORS
                    {
                        f.errors.push(error);
                    }
                }
                "Message" if current.is_some() => field = Field::Message,
                "Detail" if current.is_some() => field = Field::Detail,
                _ => {}
            },
            Event::Text(t) => push(&mut current, field, &t.xml10_content()),
            Event::CData(t) => push(&mut current, field, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(|c| c.to_string())
                } else {
                    let name: &str = r.as_ref();
                    quick_xml::escape::resolve_predefined_entity(name).map(str::to_owned)
                };
                if let Some(text) = resolved {
                    push(&mut current, field, &text);
                }
            }
            Event::End(e) => match local(e.name().as_ref()) {
                "Message" | "Detail" => field = Field::None,
                "Error" => {
                    if let (Some(f), Some(mut err)) = (fault.as_mut(), current.take())
                        && f.errors.len() < MAX_FAULT_ERRORS
                    {
                        err.message = err.message.map(|m| m.trim().to_owned());
                        err.detail = err.detail.map(|d| d.trim().to_owned());
                        f.errors.push(err);
                    }
                }
                "Fault" if fault.is_some() => return fault,
                _ => {}
            },
            Event::Eof => return fault,
            _ => {}
        }
    }
}

fn push(current: &mut Option<FaultError>, field: Field, text: &str) {
    let Some(err) = current.as_mut() else { return };
    let slot = match field {
        Field::Message => &mut err.message,
        Field::Detail => &mut err.detail,
        Field::None => return,
    };
    let value = slot.get_or_insert_with(String::new);
    if value.len() < MAX_TEXT {
        value.push_str(text);
    }
}
