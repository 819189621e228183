//! Native libraries: their names on this system, a check that a file is a whole
//! library built for this machine, and the reason the system loader gave.
//!
//! The system loader maps a library's parts straight from the file, so a truncated
//! file (a build cut short, a broken download) would crash the program when a missing
//! page is touched, and a library for another system or processor gives an unhelpful
//! message at best. [`check`] reads the headers with the `object` crate (ELF on Linux,
//! PE on Windows, Mach-O on macOS) and refuses such a file with a reason a person can
//! act on, before anything is mapped.

use object::{Object as _, ObjectSection as _, ObjectSegment as _};

/// The file name prefix of a library here (`lib` on Unix, none on Windows).
pub const PREFIX: &str = std::env::consts::DLL_PREFIX;
/// The file name suffix of a library here (`.so`, `.dll`, `.dylib`).
pub const SUFFIX: &str = std::env::consts::DLL_SUFFIX;

/// The file name of the library that a crate named `stem` builds here
/// (`libplaatwerk_plugin_route.so`, `plaatwerk_plugin_route.dll`).
pub fn file_name(stem: &str) -> String {
    format!("{PREFIX}{stem}{SUFFIX}")
}

/// The library format this system loads.
pub const FORMAT: Format = if cfg!(windows) {
    Format::Pe
} else if cfg!(target_vendor = "apple") {
    Format::MachO
} else {
    Format::Elf
};

/// A library file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Linux and most Unix systems.
    Elf,
    /// Windows (a DLL).
    Pe,
    /// macOS.
    MachO,
}

impl Format {
    /// Its name as the header calls it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Elf => "ELF",
            Format::Pe => "PE",
            Format::MachO => "Mach-O",
        }
    }

    /// The system that loads it.
    pub fn system(self) -> &'static str {
        match self {
            Format::Elf => "Linux",
            Format::Pe => "Windows",
            Format::MachO => "macOS",
        }
    }
}

/// Why a file is not a library this program can load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryProblem {
    /// The file is no library of any kind known here.
    #[error("not a library (it does not start as an {} file)", FORMAT.name())]
    NotALibrary,
    /// A library for another operating system.
    #[error(
        "a {} library ({}), built for {}; this Plaatwerk runs on {} and loads {} libraries: build the plugin for {}",
        found.system(), found.name(), found.system(), crate::OS_NAME, FORMAT.name(), crate::OS_NAME
    )]
    OtherSystem {
        /// What the file is.
        found: Format,
    },
    /// A library for another processor or word size.
    #[error("built for {found}; this Plaatwerk runs on {here}: build the plugin for {here}")]
    OtherMachine {
        /// The file's processor.
        found: String,
        /// This program's processor.
        here: &'static str,
    },
    /// Headers that do not parse: cut short or damaged.
    #[error("the library is cut short or damaged ({has} bytes): {reason}")]
    Damaged {
        /// The file's size.
        has: u64,
        /// What the parser found.
        reason: String,
    },
    /// A part of the library lies beyond the file's end.
    #[error("the library is cut short: it has {has} bytes, its parts need {needs}")]
    Truncated {
        /// The file's size.
        has: u64,
        /// Where its parts end.
        needs: u64,
    },
}

/// Checks that `data` (a whole file) is a complete library for this system and
/// processor: its headers parse, and every loaded segment and every section with
/// bytes in the file lies within the file.
pub fn check(data: &[u8]) -> Result<(), LibraryProblem> {
    check_for(data, FORMAT, std::env::consts::ARCH)
}

/// [`check`] for another system and processor (`std::env::consts::ARCH` names).
pub fn check_for(data: &[u8], format: Format, arch: &'static str) -> Result<(), LibraryProblem> {
    let found = match object::FileKind::parse(data) {
        Ok(object::FileKind::Elf64 | object::FileKind::Elf32) => Format::Elf,
        Ok(object::FileKind::Pe64 | object::FileKind::Pe32) => Format::Pe,
        Ok(
            object::FileKind::MachO64
            | object::FileKind::MachO32
            | object::FileKind::MachOFat32
            | object::FileKind::MachOFat64,
        ) => Format::MachO,
        // A file with a DOS header but nothing after it is neither here nor there:
        // call it what it would have to be.
        _ if data.starts_with(b"MZ") && format == Format::Pe && data.len() >= 64 => {
            return Err(LibraryProblem::Damaged { has: data.len() as u64, reason: "no PE header".to_owned() });
        }
        _ => return Err(LibraryProblem::NotALibrary),
    };
    if found != format {
        return Err(LibraryProblem::OtherSystem { found });
    }
    let has = data.len() as u64;
    let file = object::File::parse(data).map_err(|e| LibraryProblem::Damaged { has, reason: e.to_string() })?;
    let machine = machine_name(file.architecture(), file.is_64());
    if machine != arch {
        return Err(LibraryProblem::OtherMachine { found: machine.to_owned(), here: arch });
    }
    let mut needs = 0u64;
    for segment in file.segments() {
        let (offset, size) = segment.file_range();
        needs = needs.max(offset.saturating_add(size));
    }
    for section in file.sections() {
        if let Some((offset, size)) = section.file_range() {
            needs = needs.max(offset.saturating_add(size));
        }
    }
    if needs > has {
        return Err(LibraryProblem::Truncated { has, needs });
    }
    Ok(())
}

/// `std::env::consts::ARCH`'s name for an architecture.
fn machine_name(arch: object::Architecture, is_64: bool) -> &'static str {
    use object::Architecture as A;
    match arch {
        A::X86_64 if is_64 => "x86_64",
        A::X86_64 | A::X86_64_X32 => "x86_64 (32-bit)",
        A::I386 => "x86",
        A::Aarch64 => "aarch64",
        A::Aarch64_Ilp32 => "aarch64 (32-bit)",
        A::Arm => "arm",
        A::Riscv64 => "riscv64",
        A::PowerPc64 => "powerpc64",
        A::S390x => "s390x",
        A::LoongArch64 => "loongarch64",
        _ => "another processor",
    }
}

/// The loader's message with everything it carries: `libloading` says
/// "LoadLibraryExW failed" and keeps the system's reason in its source chain, so the
/// chain is joined, and on Windows a hint is added for the codes people meet.
pub fn load_failure(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    let mut code = None;
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            code = code.or(io.raw_os_error());
        }
        source = s.source();
    }
    if let Some(hint) = code.and_then(windows_hint) {
        text.push_str(" (");
        text.push_str(hint);
        text.push(')');
    }
    text
}

/// What a Windows loader error code usually means for a plugin.
fn windows_hint(code: i32) -> Option<&'static str> {
    if !cfg!(windows) {
        return None;
    }
    Some(match code {
        126 => "a DLL it needs is missing: ship the DLLs it links with beside it, or link them statically",
        127 => "a function it needs is missing from a DLL: it was built for a newer Windows or another DLL version",
        193 => "it is not a 64-bit Windows DLL for this processor",
        1114 => "its start-up code failed",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This test program itself: a whole executable of this system's format.
    fn own_executable() -> Vec<u8> {
        std::fs::read(std::env::current_exe().expect("exe")).expect("read exe")
    }

    #[test]
    fn this_systems_own_executables_pass() {
        check(&own_executable()).expect("the test program is a whole file for this machine");
    }

    #[test]
    fn a_cut_file_is_refused_with_how_much_is_missing() {
        let whole = own_executable();
        let half = &whole[..whole.len() / 2];
        let error = check(half).expect_err("half a file").to_string();
        assert!(error.contains("cut short"), "{error}");
        let header = &whole[..16];
        assert!(check(header).expect_err("a header only").to_string().contains("cut short"));
    }

    #[test]
    fn another_systems_or_processors_library_is_named() {
        let whole = own_executable();
        let other = if FORMAT == Format::Pe { Format::Elf } else { Format::Pe };
        let error = check_for(&whole, other, std::env::consts::ARCH).expect_err("other system").to_string();
        assert!(error.contains(&format!("built for {}", FORMAT.system())), "{error}");
        let arch = if std::env::consts::ARCH == "aarch64" { "x86_64" } else { "aarch64" };
        let error = check_for(&whole, FORMAT, arch).expect_err("other processor").to_string();
        assert!(error.contains(&format!("runs on {arch}")), "{error}");
    }

    #[test]
    fn text_and_empty_files_are_no_libraries() {
        assert_eq!(check(b"dit is geen bibliotheek\n"), Err(LibraryProblem::NotALibrary));
        assert_eq!(check(b""), Err(LibraryProblem::NotALibrary));
    }

    #[test]
    fn library_names_follow_the_system() {
        let name = file_name("plaatwerk_plugin_route");
        if cfg!(windows) {
            assert_eq!(name, "plaatwerk_plugin_route.dll");
        } else if cfg!(target_os = "macos") {
            assert_eq!(name, "libplaatwerk_plugin_route.dylib");
        } else {
            assert_eq!(name, "libplaatwerk_plugin_route.so");
        }
    }

    #[test]
    fn a_load_failure_keeps_the_systems_reason() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("LoadLibraryExW failed")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e = Outer(std::io::Error::other("the module was not found"));
        assert_eq!(load_failure(&e), "LoadLibraryExW failed: the module was not found");
    }
}
