#![allow(dead_code)]

pub(crate) const COMPLETION: &str = "completion";
