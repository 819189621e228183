//! The command line: arguments and dispatch. Each group of subcommands has a module
//! of its own (`plate`: check, format, import; `export`; `watch`; `plugins`), and
//! none of them calls another's internals but `plate`'s loading.

mod export;
mod plate;
mod plugins;
mod publish;
mod room;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plaatwerk_export::{Background, SizeRequest};
use plaatwerk_model::{Color, Region};

/// Plaatwerk draws and exports praatplaten: large illustrated plates that show how a
/// team works.
///
/// Without a subcommand it opens the editor on the bundled example plate.
#[derive(Parser)]
#[command(name = "plaatwerk", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Load plugins from the `plugins/` folder beside the plate without asking (for
    /// scripts). Plugins are programs: use this only for plates you trust.
    #[arg(long, global = true)]
    trust_plugins: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Open a plate in the editor.
    Edit {
        /// The plate file.
        plate: PathBuf,
    },
    /// Present a plate: the audience view fullscreen on a second display (or in a
    /// window beside the editor), the editor as the presenter's view. Steps with the
    /// arrow keys, Page Up/Down and space (what presentation clickers send).
    Present {
        /// The plate file.
        plate: PathBuf,
        /// The display for the audience view, counted from 0 (default: the second
        /// display when there is one).
        #[arg(long)]
        display: Option<usize>,
        /// Invite participants at once: a live room on the plate, its QR code on the
        /// audience view (listens on 0.0.0.0:8470, or PLAATWERK_ROOM_LISTEN). With a
        /// facilitator's link (printed by `plaatwerk room serve`), join that room on
        /// its server as the facilitator instead.
        #[arg(long, value_name = "FACILITATOR-LINK", num_args = 0..=1, default_missing_value = "")]
        room: Option<String>,
    },
    /// A live room on a plate without a window: participants join from their phones
    /// (the links are printed), until SIGINT or SIGTERM; then the session (their
    /// notes, dots and places, and who made them) is saved next to the plate.
    #[command(subcommand)]
    Room(RoomCommand),
    /// Print the key bindings (the table both windows use) as Markdown tables.
    Keys {
        /// In Dutch.
        #[arg(long)]
        nl: bool,
    },
    /// Check plate files; prints every problem with file, layer and element.
    ///
    /// Exits 0 when all files are valid, 1 otherwise.
    Check {
        /// Plate files (*.plate).
        #[arg(required = true)]
        plates: Vec<PathBuf>,
    },
    /// Rewrite plates in the canonical layout (stable key order, one line per stroke),
    /// as Plaatwerk saves them. Handy after editing a plate by hand.
    Format {
        /// Plate files (*.plate).
        #[arg(required = true)]
        plates: Vec<PathBuf>,
    },
    /// Export a plate, a region of it, or its cut-outs, as PNG, JPEG, SVG or PDF.
    ///
    /// The format follows the output's extension (a plate or region: .png, .svg or
    /// .pdf). With neither --width, --height nor
    /// --scale the image has one pixel per plate unit. Given only one of width and
    /// height, the other follows the aspect ratio; given both, the region grows around
    /// its centre to fit, so nothing is stretched.
    ///
    /// Example: plaatwerk export plates/wijkteam-basis.plate -o basis.png --width 1920
    ///
    /// Cut-outs (named excerpts stored in the plate) use their preset's size, layers,
    /// roles, caption and QR code: `--cutout NAME -o OUT.png|.jpg|.svg|.pdf`, or
    /// `--all-cutouts -o DIR` for all of them plus a manifest (`manifest.json`, each
    /// file with its SHA-256). Presets: slide-16x9, slide-16x9-4k, teams-background,
    /// newsletter-banner, square-social, a4-print, a4-print-bleed, a3-print,
    /// a3-print-bleed; add your own in `presets.json` next to the settings file.
    Export {
        /// The plate to export.
        plate: PathBuf,
        /// Output file (.png, .svg or .pdf; a cut-out also .jpg), or a folder with
        /// --all-cutouts.
        #[arg(short, long)]
        output: PathBuf,
        /// Export this cut-out of the plate (by name).
        #[arg(long, conflicts_with_all = ["all_cutouts", "region", "width", "height", "scale"])]
        cutout: Option<String>,
        /// Export every cut-out of the plate into the output folder.
        #[arg(long, conflicts_with_all = ["region", "width", "height", "scale"])]
        all_cutouts: bool,
        /// Export one stop (saved view) of the plate as a 16:9 slide picture.
        #[arg(long, conflicts_with_all = ["cutout", "all_cutouts", "region", "width", "height", "scale"])]
        stop: Option<String>,
        /// Export every stop: to a folder, a slide deck (.pptx) or one PDF (.pdf).
        #[arg(long, conflicts_with_all = ["cutout", "all_cutouts", "region", "width", "height", "scale"])]
        all_stops: bool,
        /// With --stop or --all-stops: open this session file over the plate first, so
        /// the stops show what was drawn in the workshop.
        #[arg(long)]
        session: Option<PathBuf>,
        /// With --all-cutouts: write every cut-out in this format instead of its preset's.
        #[arg(long)]
        format: Option<String>,
        /// PDF: meet these standards (comma-separated): a2b (PDF/A-2b, for archives),
        /// a3b (PDF/A-3b), ua1 (PDF/UA-1, accessible). krilla's validators check the
        /// file; one that would not meet them is not written.
        #[arg(long, value_name = "a2b|a3b|ua1")]
        pdf_standard: Option<String>,
        /// PDF: crop marks around print pages (presets with a page size), in a slug
        /// outside the bleed.
        #[arg(long)]
        crop_marks: bool,
        /// Width in pixels.
        #[arg(long)]
        width: Option<u32>,
        /// Height in pixels.
        #[arg(long)]
        height: Option<u32>,
        /// Pixels per plate unit (2 gives a double-size image).
        #[arg(long)]
        scale: Option<f32>,
        /// Part of the plate to export, in plate units: X,Y,WIDTH,HEIGHT.
        #[arg(long, value_parser = parse_region)]
        region: Option<Region>,
        /// Background: `plate` (its own colour), `transparent`, or a colour like #ffffff.
        #[arg(long, default_value = "plate", value_parser = parse_background)]
        background: Background,
        /// Anti-aliasing samples per pixel for PNG: 1 (fastest) or 4.
        #[arg(long, default_value_t = 4, value_parser = parse_samples)]
        samples: u32,
        /// Show what one role does: its elements in full colour, the rest dimmed (role
        /// id or name).
        #[arg(long, conflicts_with_all = ["compare", "all_roles"])]
        role: Option<String>,
        /// Two roles side by side, each outlined in its colour: A,B.
        #[arg(long, conflicts_with = "all_roles")]
        compare: Option<String>,
        /// Mark every element with the colours of its roles, with a legend.
        #[arg(long)]
        all_roles: bool,
    },
    /// Keep a plate's cut-outs up to date in a folder: whenever the plate file
    /// changes, the cut-outs whose picture changed are exported again (atomically)
    /// and the manifest is rewritten. Stops with Ctrl+C.
    Watch {
        /// The plate.
        plate: PathBuf,
        /// The folder for the exports.
        #[arg(short, long)]
        output: PathBuf,
        /// Write every cut-out in this format instead of its preset's (png, jpg, svg, pdf).
        #[arg(long)]
        format: Option<String>,
    },
    /// Publish plates as a web site: an index page and a page per plate (the plate to
    /// pan and zoom, its roles, its stops as a guided tour, search, the plate in words,
    /// downloads), plain files that work on any web server, an intranet, a file share
    /// or from disk. Writes only its own files into the folder (listed in
    /// plaatwerk-publish.json).
    ///
    /// Example: plaatwerk publish plates/*.plate -o site --base-url https://intranet.example.nl/praatplaten/
    Publish {
        /// Plate files, in the order the index shows them.
        #[arg(required = true)]
        plates: Vec<PathBuf>,
        /// The folder for the site.
        #[arg(short, long)]
        output: PathBuf,
        /// Where the site will live (an absolute http(s) address): the QR codes of
        /// cut-outs that point to the digital plate get their page's address.
        #[arg(long)]
        base_url: Option<String>,
        /// One self-contained HTML file per plate (everything inlined), for places
        /// that accept only a file.
        #[arg(long)]
        single_file: bool,
        /// The index page's title (default: the first plate's title).
        #[arg(long)]
        title: Option<String>,
        /// Keep publishing: whenever a plate file changes, its page is made again
        /// (files replaced atomically). Stops with Ctrl+C.
        #[arg(long)]
        watch: bool,
    },
    /// Bundle plates into one print-ready PDF handbook: a cover, a contents page (and
    /// bookmarks), and per plate its whole plate with a QR code to its published page,
    /// followed by its stops; every page numbered.
    ///
    /// Example: plaatwerk handbook plates/*.plate -o handboek.pdf --base-url https://intranet.example.nl/praatplaten/
    Handbook {
        /// Plate files, in the order the handbook shows them.
        #[arg(required = true)]
        plates: Vec<PathBuf>,
        /// The PDF to write.
        #[arg(short, long)]
        output: PathBuf,
        /// The cover's title (default: the first plate's title).
        #[arg(long)]
        title: Option<String>,
        /// Where the plates are published (as given to `publish --base-url`): the QR
        /// codes point to their pages there.
        #[arg(long)]
        base_url: Option<String>,
        /// Standards the PDF meets (comma-separated): a2b, a3b, ua1.
        #[arg(long, value_name = "a2b|a3b|ua1", default_value = "a2b,ua1")]
        pdf_standard: String,
        /// The page: a print preset (a3-landscape, a4-landscape, a3-print, a4-print, or
        /// one of your own).
        #[arg(long, default_value = "a3-landscape")]
        page: String,
    },
    /// Plugins: list them, put a metaphor on a plate, make generated content again.
    #[command(subcommand)]
    Plugins(plugins::PluginsCommand),
    /// Import SVG artwork (drawn in Inkscape, Illustrator, Affinity, …) as a new plate.
    Import {
        /// The SVG file.
        svg: PathBuf,
        /// The plate to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Replace the output if it exists.
        #[arg(long)]
        force: bool,
    },
}

fn parse_samples(s: &str) -> Result<u32, String> {
    match s {
        "1" => Ok(1),
        "4" => Ok(4),
        other => Err(format!("\"{other}\" samples: use 1 or 4")),
    }
}

/// What `plaatwerk room` does.
#[derive(Subcommand)]
enum RoomCommand {
    /// Serve a room; prints `participants: URL` and `facilitator: URL`.
    Serve {
        /// The plate file.
        plate: PathBuf,
        /// Address and port to listen on (all interfaces by default).
        #[arg(long, default_value = "0.0.0.0:8470")]
        listen: std::net::SocketAddr,
        /// How notes appear: direct, queue (approve each) or reveal (all at once).
        #[arg(long, default_value = "direct")]
        moderation: String,
        /// The session's name (in the session file's name too); with --redis also the
        /// room's: instances with the same Redis and name serve the same room.
        #[arg(long, visible_alias = "room", default_value = "Kamer")]
        name: String,
        /// Keep the room in Redis (a hosted room, served by any number of instances):
        /// redis://HOST:PORT.
        #[arg(long, env = "PLAATWERK_REDIS_URL")]
        redis: Option<String>,
        /// Days a hosted room's data stays in Redis after its last instance stopped
        /// (then Redis deletes it).
        #[arg(long, env = "PLAATWERK_RETAIN_DAYS", default_value_t = plaatwerk_room::hosted::RETAIN_DAYS)]
        retain_days: u32,
        /// The address phones reach the room at, behind a load balancer or reverse
        /// proxy (https://kamers.example.nl); the printed links use it.
        #[arg(long, env = "PLAATWERK_PUBLIC_URL")]
        public_url: Option<String>,
        /// Log lines as text or as JSON objects (for a log collector).
        #[arg(long, env = "PLAATWERK_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
        log_format: String,
        /// The folder for the room's journal (without --redis): every change is on
        /// disk there before a phone hears "done", and a restart after a crash takes
        /// the room up again with the same links. By default the plate's folder.
        #[arg(long)]
        journal: Option<PathBuf>,
        /// A reverse proxy (address or network, e.g. 10.0.0.5 or 10.0.0.0/24) whose
        /// X-Forwarded-For and X-Real-IP headers are believed; repeat for several. No
        /// one else's are.
        #[arg(long = "trusted-proxy", value_name = "ADDR", env = "PLAATWERK_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<plaatwerk_room::gate::Net>,
    },
    /// Delete a hosted room's data from Redis now (stop its instances first).
    Purge {
        /// The room's name (as given to `room serve --name`).
        name: String,
        /// The Redis the room is in: redis://HOST:PORT.
        #[arg(long, env = "PLAATWERK_REDIS_URL")]
        redis: String,
    },
}

fn parse_region(s: &str) -> Result<Region, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    let nums: Result<Vec<f32>, _> = parts.iter().map(|p| p.parse::<f32>()).collect();
    match nums {
        Ok(v) if v.len() == 4 && v.iter().all(|n| n.is_finite()) && v[2] > 0.0 && v[3] > 0.0 => {
            Ok(Region { x: v[0], y: v[1], width: v[2], height: v[3] })
        }
        _ => Err(format!(
            "\"{s}\" is not a region; write X,Y,WIDTH,HEIGHT with a positive width and height, e.g. 0,0,800,600"
        )),
    }
}

fn parse_background(s: &str) -> Result<Background, String> {
    match s {
        "plate" => Ok(Background::Plate),
        "transparent" | "none" => Ok(Background::Transparent),
        other => other
            .parse::<Color>()
            .map(Background::Color)
            .map_err(|_| format!("\"{other}\" is not a background; use plate, transparent or a colour like #ffffff")),
    }
}

/// Parses arguments and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => crate::app::run(None, None, None, cli.trust_plugins).map(|()| ExitCode::SUCCESS),
        Some(Command::Edit { plate }) => {
            crate::app::run(Some(plate), None, None, cli.trust_plugins).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Present { plate, display, room }) => {
            let room = room.map(|link| Some(link).filter(|l| !l.is_empty()));
            crate::app::run(Some(plate), Some(display), room, cli.trust_plugins).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Room(RoomCommand::Serve {
            plate,
            listen,
            moderation,
            name,
            redis,
            retain_days,
            public_url,
            log_format,
            journal,
            trusted_proxies,
        })) => {
            plaatwerk_room::ops::init_logs(if log_format == "json" {
                plaatwerk_room::ops::LogFormat::Json
            } else {
                plaatwerk_room::ops::LogFormat::Text
            });
            let hosting = room::Hosting { redis, retain_days, public: public_url, journal, trusted_proxies };
            room::serve(&plate, listen, &moderation, &name, hosting)
        }
        Some(Command::Room(RoomCommand::Purge { name, redis })) => room::purge(&name, &redis),
        Some(Command::Keys { nl }) => {
            use plaatwerk_editing::keymap::{Context, markdown};
            let (editing, canvas, presenting) = if nl {
                ("Bewerken", "Op het canvas (met Tab bereikt)", "Presenteren")
            } else {
                ("Editing", "On the canvas (reached with Tab)", "Presenting")
            };
            println!("### {editing}\n\n{}", markdown(Context::Editing, nl));
            println!("### {canvas}\n\n{}", markdown(Context::Canvas, nl));
            println!("### {presenting}\n\n{}", markdown(Context::Presenting, nl));
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { plates }) => plate::check(&plates),
        Some(Command::Format { plates }) => plate::reformat(&plates),
        Some(Command::Export { plate, output, cutout: Some(name), pdf_standard, crop_marks, .. }) => {
            export::PdfArgs::new(pdf_standard.as_deref(), crop_marks)
                .and_then(|pdf| export::cutouts(&plate, &output, Some(&name), None, &pdf))
        }
        Some(Command::Export { plate, output, all_cutouts: true, format, pdf_standard, crop_marks, .. }) => {
            export::PdfArgs::new(pdf_standard.as_deref(), crop_marks)
                .and_then(|pdf| export::cutouts(&plate, &output, None, format.as_deref(), &pdf))
        }
        Some(Command::Export { plate, output, stop: Some(name), session, pdf_standard, crop_marks, .. }) => {
            export::PdfArgs::new(pdf_standard.as_deref(), crop_marks)
                .and_then(|pdf| export::stops(&plate, session.as_deref(), &output, Some(&name), None, &pdf))
        }
        Some(Command::Export { plate, output, all_stops: true, session, format, pdf_standard, crop_marks, .. }) => {
            export::PdfArgs::new(pdf_standard.as_deref(), crop_marks)
                .and_then(|pdf| export::stops(&plate, session.as_deref(), &output, None, format.as_deref(), &pdf))
        }
        Some(Command::Export {
            plate,
            output,
            width,
            height,
            scale,
            region,
            background,
            samples,
            role,
            compare,
            all_roles,
            pdf_standard,
            crop_marks,
            ..
        }) => {
            let overlay = export::OverlayRequest { role, compare, all: all_roles };
            let look = export::PlateView { size: SizeRequest { width, height, scale }, region, background, samples };
            export::PdfArgs::new(pdf_standard.as_deref(), crop_marks)
                .and_then(|pdf| export::plate(&plate, &output, look, &overlay, &pdf))
        }
        Some(Command::Import { svg, output, force }) => plate::import(&svg, &output, force),
        Some(Command::Plugins(command)) => plugins::run(command, cli.trust_plugins),
        Some(Command::Handbook { plates, output, title, base_url, pdf_standard, page }) => {
            publish::handbook(publish::HandbookArgs { plates, out: output, title, base_url, pdf_standard, page })
        }
        Some(Command::Publish { plates, output, base_url, single_file, title, watch }) => {
            publish::run(publish::PublishArgs { plates, out: output, base_url, single_file, title, watch })
        }
        Some(Command::Watch { plate, output, format }) => watch::run(&plate, &output, format.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("plaatwerk: {e:#}");
            ExitCode::FAILURE
        }
    }
}
