//! The user's language.

/// The user's preferred languages as BCP 47 tags or POSIX locale names, most preferred
/// first. A Unix locale variable that is set (`LC_ALL`, `LC_MESSAGES`, `LANG`, in
/// that order) comes first on every system, so a script or a test can choose the
/// language the same way everywhere; then what the system says: the Windows display
/// languages, macOS's preferred languages, the same variables on Linux.
pub fn preferred_languages() -> Vec<String> {
    let mut out: Vec<String> = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .filter(|v| !v.is_empty() && v != "C" && v != "POSIX")
        .take(1)
        .collect();
    out.extend(sys_locale::get_locales());
    out
}

/// The primary language subtag, lower case, of a BCP 47 tag or POSIX locale name
/// (`nl-NL`, `nl_BE.UTF-8`, `NL` → `nl`).
pub fn language_of(tag: &str) -> String {
    tag.split(['-', '_', '.', '@']).next().unwrap_or("").to_ascii_lowercase()
}

/// The language the user prefers out of `offered` (primary subtags, such as `["nl",
/// "en"]`): the first preferred language that is offered, else `None`.
pub fn pick<'a>(offered: &[&'a str]) -> Option<&'a str> {
    choose(&preferred_languages(), offered)
}

fn choose<'a>(preferred: &[String], offered: &[&'a str]) -> Option<&'a str> {
    preferred.iter().map(|t| language_of(t)).find_map(|l| offered.iter().copied().find(|o| *o == l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_posix_names_give_their_language() {
        assert_eq!(language_of("nl-NL"), "nl");
        assert_eq!(language_of("nl_BE.UTF-8"), "nl");
        assert_eq!(language_of("NL"), "nl");
        assert_eq!(language_of("en-US"), "en");
        assert_eq!(language_of("de_DE@euro"), "de");
    }

    #[test]
    fn the_first_offered_preference_wins() {
        let prefs = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(choose(&prefs(&["fy-NL", "nl-NL", "en-US"]), &["nl", "en"]), Some("nl"));
        assert_eq!(choose(&prefs(&["en-GB", "nl-NL"]), &["nl", "en"]), Some("en"));
        assert_eq!(choose(&prefs(&["de-DE"]), &["nl", "en"]), None);
        assert_eq!(choose(&[], &["nl", "en"]), None);
    }
}
