//! Paths as the operating system writes them.
//!
//! A path made by joining `plates/x.plate` onto `C:\Users\…` holds both kinds of
//! separator on Windows; Windows itself accepts both, but a path shown to a person
//! (an error, a "wrote …" line, the status bar) should look like the ones Explorer
//! shows. Elsewhere a path is shown as it is.

use std::path::Path;

/// A path for people to read: with the OS's own separators.
pub fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    if cfg!(windows) { text.replace('/', "\\") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_paths_get_backslashes_only() {
        let mixed = Path::new("C:\\Users\\anne/plates/x.plate");
        if cfg!(windows) {
            assert_eq!(shown(mixed), "C:\\Users\\anne\\plates\\x.plate");
        } else {
            assert_eq!(shown(mixed), "C:\\Users\\anne/plates/x.plate");
            assert_eq!(shown(Path::new("plates/x.plate")), "plates/x.plate");
        }
    }
}
