mod completer;
mod edit_mode;
mod highlighter;
mod history;
mod input_backend;
mod prompt;
mod validator;

pub use input_backend::ReedlineInputBackend;
