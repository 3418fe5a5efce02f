mod base;
mod cursors;
mod emacs;
#[cfg(feature = "helix")]
mod helix;
mod keybindings;
mod vi;

pub use base::EditMode;
pub use cursors::CursorConfig;
pub use emacs::{default_emacs_keybindings, Emacs};
#[cfg(feature = "helix")]
pub use helix::Helix;
pub use keybindings::Keybindings;
pub use vi::{default_vi_insert_keybindings, default_vi_normal_keybindings, Vi};
