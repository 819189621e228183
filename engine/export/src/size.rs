//! Output size and region: what `--width`, `--height`, `--scale` and `--region` mean.

use plaatwerk_model::{Plate, Region};

/// How big the exported image should be. At most one of the ways is needed; with none
/// the plate is exported at scale 1 (one pixel per plate unit).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SizeRequest {
    /// Width in pixels; the height follows the region's aspect ratio unless given too.
    pub width: Option<u32>,
    /// Height in pixels; the width follows unless given too.
    pub height: Option<u32>,
    /// Pixels per plate unit (ignored when width or height is given).
    pub scale: Option<f32>,
}

/// Why a size could not be worked out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SizeError {
    /// Width, height or scale is zero, negative or not finite.
    #[error("{0}")]
    Invalid(String),
}

/// A region grown around its centre to an aspect ratio (width / height), so nothing in
/// it is cut off.
pub fn grow_to_aspect(r: Region, aspect: f32) -> Region {
    let (cx, cy) = (r.x + r.width / 2.0, r.y + r.height / 2.0);
    let (w, h) = if r.width / r.height < aspect { (r.height * aspect, r.height) } else { (r.width, r.width / aspect) };
    Region { x: cx - w / 2.0, y: cy - h / 2.0, width: w, height: h }
}

/// The region to export and the pixel size. When both width and height are given and
/// their aspect ratio differs from the region's, the region grows (around its centre)
/// to the image's aspect ratio, so nothing is stretched or cut off.
pub fn resolve(plate: &Plate, region: Option<Region>, size: SizeRequest) -> Result<(Region, u32, u32), SizeError> {
    let mut r = region.unwrap_or(Region { x: 0.0, y: 0.0, width: plate.meta.width, height: plate.meta.height });
    if !(r.width > 0.0 && r.height > 0.0) || [r.x, r.y, r.width, r.height].iter().any(|v| !v.is_finite()) {
        return Err(SizeError::Invalid(format!(
            "region {},{},{},{} is empty; give X,Y,WIDTH,HEIGHT with a positive width and height",
            r.x, r.y, r.width, r.height
        )));
    }
    for (what, v) in [("width", size.width), ("height", size.height)] {
        if let Some(v) = v.filter(|v| *v > crate::MAX_SIDE) {
            return Err(SizeError::Invalid(format!(
                "the {what} {v} is too large; it must be 1 to {} pixels",
                crate::MAX_SIDE
            )));
        }
    }
    let aspect = r.width / r.height;
    let px = |v: f32, what: &str| -> Result<u32, SizeError> {
        let p = v.round();
        if p >= 1.0 && p <= crate::MAX_SIDE as f32 {
            Ok(p as u32)
        } else {
            Err(SizeError::Invalid(format!(
                "the {what} would be {p} pixels; it must be 1 to {} pixels",
                crate::MAX_SIDE
            )))
        }
    };
    let (w, h) = match (size.width, size.height, size.scale) {
        (Some(0), _, _) | (_, Some(0), _) => {
            return Err(SizeError::Invalid("width and height must be at least 1 pixel".into()));
        }
        (Some(w), Some(h), _) => {
            let target = w as f32 / h as f32;
            if (target - aspect).abs() > 1e-4 * aspect {
                r = grow_to_aspect(r, target);
            }
            (w, h)
        }
        (Some(w), None, _) => (w, px(w as f32 / aspect, "height")?),
        (None, Some(h), _) => (px(h as f32 * aspect, "width")?, h),
        (None, None, Some(s)) => {
            if !(s.is_finite() && s > 0.0) {
                return Err(SizeError::Invalid(format!("scale {s} must be a positive number")));
            }
            (px(r.width * s, "width")?, px(r.height * s, "height")?)
        }
        (None, None, None) => (px(r.width, "width")?, px(r.height, "height")?),
    };
    Ok((r, w, h))
}
