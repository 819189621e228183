//! The handbook: plates bundled into one print-ready PDF. A cover, a contents page with
//! page numbers, and per plate its whole plate (with a QR code to its published page)
//! followed by its stops (each with a QR code to that stop), every page numbered; the
//! bookmarks are the plates with their stops under them.
//!
//! Cover and contents are drawn as plates of their own (text elements on a page-sized
//! plate), so every page goes through the same PDF writer and its text is real text.

use std::time::Instant;

use plaatwerk_editing::present::stop_cutouts;
use plaatwerk_export::address::ViewLink;
use plaatwerk_export::cutout::{CutoutRender, Preset, prepare_cutout};
use plaatwerk_export::pdf::{PageSource, PdfPage, PdfStandard};
use plaatwerk_export::{ExportView, Exporter};
use plaatwerk_model::{
    Align, Color, CutOut, Element, ElementId, ElementKind, Layer, Paint, Plate, Rect, Region, Text, Weight,
};

use crate::{PublishError, Source, checked_base, page_address};

/// Longest stop notes printed under a stop, in characters.
const MAX_NOTES: usize = 300;
/// Contents lines on one page.
const LINES_PER_PAGE: usize = 28;
const INK: Color = Color::rgb(0x26, 0x46, 0x53);
const ACCENT: Color = Color::rgb(0x2a, 0x9d, 0x8f);

/// How to make a handbook.
#[derive(Debug, Clone)]
pub struct HandbookOptions {
    /// The cover's and the document's title; the first plate's title without it.
    pub title: Option<String>,
    /// Where the plates are published: each plate page's QR code points to its page
    /// there (without it, to the plate's own base URL; without both, no QR code).
    pub base_url: Option<String>,
    /// The PDF standards the file must meet.
    pub standards: Vec<PdfStandard>,
    /// The page (a print preset: `a3-landscape` by default).
    pub page: Preset,
}

/// A handbook made.
#[derive(Debug, Clone)]
pub struct Handbook {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// Its pages.
    pub pages: usize,
    /// What to tell (a plate without a published address, a picture left out).
    pub warnings: Vec<String>,
    /// Seconds it took.
    pub seconds: f32,
}

/// One page of the handbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Cover,
    /// Contents page number `n` (from 0).
    Contents(usize),
    /// The whole plate of source `s`.
    Plate(usize),
    /// Stop `k` of source `s`.
    Stop(usize, usize),
}

/// The words of the handbook's own pages, in the first plate's language.
struct Words {
    dutch: bool,
}

impl Words {
    fn pick<'a>(&self, nl: &'a str, en: &'a str) -> &'a str {
        if self.dutch { nl } else { en }
    }
}

/// Makes the handbook of `sources`.
pub fn handbook(
    sources: &[Source],
    options: &HandbookOptions,
    progress: &dyn Fn(usize, usize),
) -> Result<Handbook, PublishError> {
    let start = Instant::now();
    let base = checked_base(options.base_url.as_deref())?;
    crate::page_names(sources)?;
    if options.page.page_mm.is_none() {
        return Err(PublishError::Plate {
            file: options.page.id.clone(),
            why: "the handbook needs a print preset (with a page size), e.g. a3-landscape or a4-landscape".into(),
        });
    }
    let first = sources.first().map(|s| &s.plate);
    let words = Words { dutch: first.is_none_or(|p| p.meta.language.to_ascii_lowercase().starts_with("nl")) };
    let language = first.map_or_else(|| "nl".to_owned(), |p| p.meta.language.clone());
    let title = options
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| first.map(|p| p.meta.title.clone()))
        .unwrap_or_default();

    // The plan: cover, contents, then each plate and its stops.
    let stops: Vec<Vec<CutOut>> =
        sources.iter().map(|s| if s.plate.views.is_empty() { Vec::new() } else { stop_cutouts(&s.plate) }).collect();
    let lines = sources.len() + stops.iter().map(Vec::len).sum::<usize>();
    let contents_pages = lines.div_ceil(LINES_PER_PAGE).max(1);
    let mut plan = vec![Sheet::Cover];
    plan.extend((0..contents_pages).map(Sheet::Contents));
    for (s, list) in stops.iter().enumerate() {
        plan.push(Sheet::Plate(s));
        plan.extend((0..list.len()).map(|k| Sheet::Stop(s, k)));
    }
    let mut warnings = Vec::new();
    let pages_url: Vec<Option<String>> = sources.iter().map(|s| page_address(s, base.as_deref())).collect();
    for (s, url) in sources.iter().zip(&pages_url) {
        if url.is_none() {
            warnings.push(format!(
                "{}: no QR codes: the plate has no base URL (give --base-url, or set it in the editor)",
                s.path.display()
            ));
        }
    }
    let mut pages = Pages {
        sources,
        stops: &stops,
        plan: &plan,
        preset: &options.page,
        words,
        title: &title,
        urls: &pages_url,
        progress,
    };
    let mut exporter = Exporter::cpu();
    exporter.pdf.standards = options.standards.clone();
    let bytes = exporter
        .encode_pdf_from(&mut pages, &title, &language, "handbook")
        .map_err(|e| PublishError::Plate { file: "the handbook".into(), why: e.to_string() })?;
    warnings.extend(exporter.take_warnings());
    Ok(Handbook { bytes, pages: plan.len(), warnings, seconds: start.elapsed().as_secs_f32() })
}

/// The handbook's pages, each worked out when it is drawn.
struct Pages<'a> {
    sources: &'a [Source],
    stops: &'a [Vec<CutOut>],
    plan: &'a [Sheet],
    preset: &'a Preset,
    words: Words,
    title: &'a str,
    urls: &'a [Option<String>],
    progress: &'a dyn Fn(usize, usize),
}

impl Pages<'_> {
    /// The page number (from 1) of a sheet.
    fn number_of(&self, sheet: Sheet) -> usize {
        self.plan.iter().position(|s| *s == sheet).map_or(0, |k| k + 1)
    }

    /// A page-sized plate for the handbook's own pages.
    fn sheet_plate(&self, name: &str) -> Plate {
        let mut plate = Plate::new(name, self.preset.width as f32, self.preset.height as f32);
        plate.meta.language = self.sources.first().map_or_else(|| "nl".into(), |s| s.plate.meta.language.clone());
        plate
    }

    fn sheet_render(&self, plate: Plate, alt: String) -> CutoutRender {
        let region = Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height };
        CutoutRender {
            name: plate.meta.title.clone(),
            view: ExportView {
                region,
                width: self.preset.width,
                height: self.preset.height,
                background: Some(Color::WHITE),
            },
            plate,
            preset: self.preset.clone(),
            extra_ids_from: u64::MAX,
            alt,
        }
    }

    fn cover(&self) -> CutoutRender {
        let mut plate = self.sheet_plate(self.title);
        let (w, h) = (plate.meta.width, plate.meta.height);
        let n = self.sources.len();
        let count = if n == 1 {
            self.words.pick("1 praatplaat", "1 plate").to_owned()
        } else {
            format!("{n} {}", self.words.pick("praatplaten", "plates"))
        };
        let made = self.words.pick("Gemaakt met Plaatwerk", "Made with Plaatwerk");
        plate.layers[0].elements = vec![
            rect(1, 0.0, 0.0, w, h * 0.035, ACCENT),
            text(2, w * 0.08, h * 0.3, h * 0.055, self.title, Weight::Bold, Some(w * 0.84)),
            text(3, w * 0.08, h * 0.62, h * 0.025, &count, Weight::Regular, None),
            text(4, w * 0.08, h * 0.9, h * 0.016, made, Weight::Regular, None),
        ];
        let alt = format!("{}. {count}.", self.title);
        self.sheet_render(plate, alt)
    }

    fn contents(&self, part: usize) -> CutoutRender {
        let heading = self.words.pick("Inhoud", "Contents");
        let mut plate = self.sheet_plate(heading);
        let (w, h) = (plate.meta.width, plate.meta.height);
        let mut lines: Vec<(u8, String, usize)> = Vec::new();
        for (s, source) in self.sources.iter().enumerate() {
            lines.push((0, source.plate.meta.title.clone(), self.number_of(Sheet::Plate(s))));
            for (k, stop) in self.stops[s].iter().enumerate() {
                lines.push((1, stop.name.clone(), self.number_of(Sheet::Stop(s, k))));
            }
        }
        let shown: Vec<&(u8, String, usize)> = lines.iter().skip(part * LINES_PER_PAGE).take(LINES_PER_PAGE).collect();
        let mut elements = vec![text(1, w * 0.08, h * 0.07, h * 0.04, heading, Weight::Bold, None)];
        let mut id = 2;
        let page_word = self.words.pick("pagina", "page");
        let mut alt = vec![heading.to_owned()];
        for (row, (depth, name, page)) in shown.iter().enumerate() {
            let y = h * 0.16 + row as f32 * h * 0.0275;
            let (x, size, weight) =
                if *depth == 0 { (w * 0.08, h * 0.019, Weight::Bold) } else { (w * 0.11, h * 0.0165, Weight::Regular) };
            let name: String = name.chars().take(110).collect();
            elements.push(text(id, x, y, size, &name, weight, None));
            let mut number = text(id + 1, w * 0.92, y, size, &page.to_string(), weight, None);
            if let ElementKind::Text(t) = &mut number.kind {
                t.align = Align::Right;
            }
            elements.push(number);
            id += 2;
            alt.push(format!("{name}, {page_word} {page}"));
        }
        plate.layers[0].elements = elements;
        self.sheet_render(plate, alt.join("; "))
    }

    /// A plate page or a stop page: the cut-out on the page with a caption band, its
    /// QR code and the page number.
    fn plate_page(&self, s: usize, stop: Option<usize>, number: usize) -> Result<CutoutRender, String> {
        let source = &self.sources[s];
        let plate = &source.plate;
        let scan = self.words.pick("scan de code voor de digitale plaat", "scan the code for the digital plate");
        let mut cutout = match stop {
            None => CutOut {
                name: plate.meta.title.clone(),
                region: Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height },
                preset: self.preset.id.clone(),
                show: Default::default(),
                caption: Some(plate.meta.title.clone()),
                qr_url: None,
                qr_to_plate: false,
                background: None,
            },
            Some(k) => {
                let mut c = self.stops[s][k].clone();
                c.preset = self.preset.id.clone();
                let view = &plate.views[k];
                let notes: String = view.notes.split_whitespace().collect::<Vec<_>>().join(" ");
                let notes = if notes.chars().count() > MAX_NOTES {
                    notes.chars().take(MAX_NOTES - 1).collect::<String>() + "…"
                } else {
                    notes
                };
                c.caption = Some(if notes.is_empty() { c.name.clone() } else { format!("{} — {notes}", c.name) });
                c
            }
        };
        if let Some(url) = &self.urls[s] {
            let link = ViewLink { stop: stop.map(|k| plate.views[k].name.clone()), ..ViewLink::default() };
            cutout.qr_url = Some(format!("{url}{}", link.fragment()));
            if stop.is_none() {
                cutout.caption = Some(format!("{} — {scan}", plate.meta.title));
            }
        }
        let mut r = prepare_cutout(plate, &cutout, self.preset, 1.0).map_err(|e| e.to_string())?;
        // The page number, centred at the foot of the caption band.
        let region = r.view.region;
        let size = region.height * 0.012;
        let next = r.plate.next_free_id().0;
        let mut layer = Layer::new("paginanummer", "Paginanummer");
        let mut n = text(
            next,
            region.x + region.width / 2.0,
            region.y + region.height - size * 1.7,
            size,
            &number.to_string(),
            Weight::Regular,
            None,
        );
        if let ElementKind::Text(t) = &mut n.kind {
            t.align = Align::Center;
        }
        layer.elements.push(n);
        r.plate.layers.push(layer);
        r.name = cutout.name.clone();
        Ok(r)
    }
}

impl PageSource for Pages<'_> {
    fn count(&self) -> usize {
        self.plan.len()
    }
    fn preset(&self, _k: usize) -> &Preset {
        self.preset
    }
    fn page(&mut self, k: usize, draw: &mut dyn FnMut(&PdfPage<'_>)) -> Result<(), String> {
        (self.progress)(k, self.plan.len());
        let number = k + 1;
        let (render, depth) = match self.plan[k] {
            Sheet::Cover => (self.cover(), 0),
            // Further contents pages under the first one.
            Sheet::Contents(part) => (self.contents(part), u8::from(part > 0)),
            Sheet::Plate(s) => {
                let file = self.sources[s].path.display().to_string();
                (self.plate_page(s, None, number).map_err(|e| format!("{file}: {e}"))?, 0)
            }
            Sheet::Stop(s, stop) => {
                let file = self.sources[s].path.display().to_string();
                (self.plate_page(s, Some(stop), number).map_err(|e| format!("{file}: {e}"))?, 1)
            }
        };
        draw(&PdfPage { depth, number: Some(number as u32), ..PdfPage::of(&render) });
        (self.progress)(k + 1, self.plan.len());
        Ok(())
    }
}

fn text(id: u64, x: f32, y: f32, size: f32, words: &str, weight: Weight, wrap: Option<f32>) -> Element {
    Element::new(
        ElementId(id),
        ElementKind::Text(Text {
            x,
            y,
            text: words.to_owned(),
            size,
            color: INK,
            align: Align::Left,
            weight,
            wrap_width: wrap,
        }),
    )
}

fn rect(id: u64, x: f32, y: f32, width: f32, height: f32, color: Color) -> Element {
    Element::new(
        ElementId(id),
        ElementKind::Rect(Rect { x, y, width, height, radius: 0.0, fill: Some(Paint::Solid(color)), stroke: None }),
    )
}
