mod base;
mod default;

pub use base::{
    Prompt, PromptEditMode, PromptHistorySearch, PromptHistorySearchStatus, PromptViMode,
};

pub use default::{DefaultPrompt, DefaultPromptSegment};
