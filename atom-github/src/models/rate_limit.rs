//! `GET /rate_limit`.

model! {
    /// One rate-limit bucket.
    pub struct RateLimitBucket {
        /// Requests allowed per window.
        pub limit: u64,
        /// Requests left.
        pub remaining: u64,
        /// When the window resets (Unix seconds).
        pub reset: i64,
        /// Requests used.
        pub used: Option<u64>,
    }
}

model! {
    /// The buckets (`core`, `search`, ...; the others are in `extra`).
    pub struct RateLimitResources {
        /// The REST API.
        pub core: RateLimitBucket,
        /// Search.
        pub search: Option<RateLimitBucket>,
        /// GraphQL.
        pub graphql: Option<RateLimitBucket>,
    }
}

model! {
    /// The rate-limit status (`rate-limit-overview`). Calling it does not count.
    pub struct RateLimitOverview {
        /// Every bucket.
        pub resources: RateLimitResources,
        /// The `core` bucket again (deprecated by GitHub, still sent).
        pub rate: Option<RateLimitBucket>,
    }
}
