//! Putting pictures on a plate: PNG and JPEG as images, SVG through the importer as a
//! group of editable elements.

use std::path::Path;

use plaatwerk_model::{Edit, Element, ElementKind, Group, Image, Position, Transform};

use crate::{EditingError, EditorCore, Notice};

/// Inserted pictures are scaled down to at most this part of the plate's width or height.
const MAX_SHARE: f32 = 0.6;

/// What kind of picture a file holds, from its first bytes (and, for SVG, its name).
fn sniff(data: &[u8], path: &Path) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if data.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some("image/jpeg");
    }
    let svg_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    let head = String::from_utf8_lossy(&data[..data.len().min(1024)]).to_ascii_lowercase();
    (svg_name || head.contains("<svg")).then_some("image/svg+xml")
}

impl EditorCore {
    /// Inserts the picture in `path` on the active layer, centred at `at` (plate units),
    /// as one undo step; it becomes the selection. Returns warnings (SVG features that
    /// were left out), or an error that names the file.
    pub fn insert_file(&mut self, path: &Path, at: [f32; 2]) -> Result<Vec<String>, EditingError> {
        let name = path.display().to_string();
        let picture_error = |reason: String| EditingError::Picture { path: path.to_path_buf(), reason };
        let len = std::fs::metadata(path).map_err(EditingError::io(path))?.len();
        if len > plaatwerk_model::MAX_IMAGE_BYTES as u64 {
            return Err(EditingError::PictureTooBig { path: path.to_path_buf(), bytes: len });
        }
        let data = std::fs::read(path).map_err(EditingError::io(path))?;
        let (plate_w, plate_h) = (self.plate.meta.width, self.plate.meta.height);
        let fit = |w: f32, h: f32| (MAX_SHARE * plate_w / w).min(MAX_SHARE * plate_h / h).min(1.0);
        let (element, warnings) = match sniff(&data, path) {
            Some("image/png" | "image/jpeg") => {
                let picture = plaatwerk_import::picture::fit_picture(data).map_err(picture_error)?;
                let (w, h) = (picture.width, picture.height);
                // Placed at the original's proportions; a downscaled picture keeps them.
                let s = fit(w as f32, h as f32);
                let (w, h) = (w as f32 * s, h as f32 * s);
                let id = self.new_id();
                let kind = ElementKind::Image(Image {
                    x: at[0] - w / 2.0,
                    y: at[1] - h / 2.0,
                    width: w,
                    height: h,
                    mime: picture.mime.to_owned(),
                    data: picture.data,
                });
                let warnings = picture
                    .downscaled_from
                    .map(|(ow, oh)| {
                        vec![format!(
                            "{name}: {ow} × {oh} pixels were downscaled to {} × {}",
                            picture.width, picture.height
                        )]
                    })
                    .unwrap_or_default();
                (Element::new(id, kind), warnings)
            }
            Some(_) => {
                let folder = plaatwerk_import::Resources::Folder(path.parent().unwrap_or(Path::new(".")));
                let imported = self.ids.lend(|next| {
                    let imported = plaatwerk_import::import_svg(&data, &name, *next, folder)?;
                    *next += plaatwerk_model::count_elements(&imported.elements) as u64;
                    Ok::<_, plaatwerk_import::ImportError>(imported)
                });
                let imported = imported?;
                if imported.elements.is_empty() {
                    return Err(picture_error("the SVG draws nothing".to_owned()));
                }
                let (w, h) = (imported.width.max(1.0), imported.height.max(1.0));
                let s = fit(w, h);
                let mut group = Element::new(self.new_id(), ElementKind::Group(Group { children: imported.elements }));
                group.transform =
                    Transform::translate(at[0] - w * s / 2.0, at[1] - h * s / 2.0).pre_concat(&Transform::scale(s, s));
                (group, imported.warnings)
            }
            None => {
                return Err(picture_error(
                    "not a PNG, JPEG or SVG file; those are the pictures that can be inserted".to_owned(),
                ));
            }
        };
        self.insert_checked(vec![element]).map_err(|e| e.in_file(path))?;
        Ok(warnings)
    }

    /// Inserts new elements at the top of the active layer as one undo step, after
    /// checking them against the plate's limits; they become the selection.
    pub(crate) fn insert_checked(&mut self, elements: Vec<Element>) -> Result<(), EditingError> {
        let layer = self.active_layer;
        if !self.editable(layer) {
            let name = self.plate.layers.get(layer).map(|l| l.name.clone()).unwrap_or_default();
            self.notice = Some(Notice::LayerNotEditable(name.clone()));
            return Err(EditingError::LayerNotEditable(name));
        }
        let elements = self.check_elements(elements)?;
        let l = &self.plate.layers[layer];
        let mut below = l.elements.len().checked_sub(1).map(|i| l.position(i));
        let mut ids = Vec::new();
        let edits = elements
            .into_iter()
            .map(|element| {
                ids.push(element.id);
                let at = Position::between(below.as_ref(), None);
                below = Some(at.clone());
                Edit::Insert { layer: l.id.clone(), at, element }
            })
            .collect();
        self.apply(Edit::Batch { edits });
        self.selection = ids;
        Ok(())
    }
}

impl EditorCore {
    /// Checks new elements against the plate's limits and roles, on their own (their
    /// ids are fresh, so they cannot clash with the rest). Returns them unchanged.
    pub(crate) fn check_elements(&self, elements: Vec<Element>) -> Result<Vec<Element>, EditingError> {
        let probe = plaatwerk_model::Plate {
            meta: self.plate.meta.clone(),
            roles: self.plate.roles.clone(),
            layers: vec![plaatwerk_model::Layer::new("probe", "probe").with_elements(elements)],
            cutouts: Vec::new(),
            views: Vec::new(),
        };
        match plaatwerk_model::validate(&probe).first() {
            Some(problem) => Err(EditingError::Refused(problem.message.clone())),
            None => Ok(probe.layers.into_iter().flat_map(|l| l.elements).collect()),
        }
    }
}
