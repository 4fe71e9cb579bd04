//! Repository events (`GET /repos/{owner}/{repo}/events`), the events feed's object.

use serde_json::Value;

use super::Timestamp;

model! {
    /// The account that made an event, or the organisation it happened in (`actor`).
    pub struct EventActor {
        /// The numeric id.
        pub id: u64,
        /// The login.
        pub login: String,
        /// The login as shown.
        pub display_login: Option<String>,
        /// The API URL.
        pub url: Option<String>,
        /// The avatar.
        pub avatar_url: Option<String>,
    }
}

model! {
    /// The repository an event happened in.
    pub struct EventRepo {
        /// The numeric id.
        pub id: u64,
        /// `owner/name`.
        pub name: String,
        /// The API URL.
        pub url: Option<String>,
    }
}

model! {
    /// One event of a repository's timeline (`event`): its type (`PushEvent`,
    /// `IssuesEvent`, ...) and its payload, kept as JSON (its shape depends on the type).
    ///
    /// ```
    /// use atom_github::models::RepoEvent;
    /// let event: RepoEvent = serde_json::from_str(r#"{"id": "22249084964", "type": "WatchEvent",
    ///     "actor": {"id": 583231, "login": "octocat"}, "payload": {"action": "started"},
    ///     "public": true, "created_at": "2022-06-08T23:29:25Z"}"#).unwrap();
    /// assert_eq!(event.event_type.as_deref(), Some("WatchEvent"));
    /// assert_eq!(event.payload["action"], "started");
    /// ```
    pub struct RepoEvent {
        /// The event id (numeric text, larger for later events).
        pub id: String,
        /// `PushEvent`, `IssuesEvent`, `PullRequestEvent`, `CreateEvent`, ...
        @rename("type")
        pub event_type: Option<String>,
        /// Who made it.
        pub actor: Option<EventActor>,
        /// The repository.
        pub repo: Option<EventRepo>,
        /// The organisation, for an organisation's repository.
        pub org: Option<EventActor>,
        /// What happened; its fields depend on `event_type`.
        @default(Value::Null)
        pub payload: Value,
        /// Whether the event is public.
        pub public: Option<bool>,
        /// When it happened.
        pub created_at: Option<Timestamp>,
    }
}
