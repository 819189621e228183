//! Pictures brought onto a plate: checked from their header, and downscaled to the
//! plate budget when larger (an A3 page at 300 dpi never needs more pixels).

use plaatwerk_model::budget::{MAX_IMAGE_PIXELS, image_size};

/// Pictures up to this many pixels are decoded to be downscaled (about 480 MB while
/// it runs); larger ones are refused without decoding.
pub const MAX_DECODE_PIXELS: u64 = 120_000_000;

/// A picture ready for a plate.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// Encoded bytes.
    pub data: Vec<u8>,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
    /// Set when the picture was downscaled: its original size.
    pub downscaled_from: Option<(u32, u32)>,
}

/// Checks a PNG or JPEG picture and downscales it to [`MAX_IMAGE_PIXELS`] when larger.
/// Errors say what is wrong in words for the user.
pub fn fit_picture(data: Vec<u8>) -> Result<Picture, String> {
    let mime = plaatwerk_model::sniff_image(&data).ok_or("not a PNG or JPEG picture")?;
    let (w, h) = image_size(&data).ok_or("the picture is damaged: its header gives no size")?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels <= MAX_IMAGE_PIXELS {
        return Ok(Picture { mime, data, width: w, height: h, downscaled_from: None });
    }
    if pixels > MAX_DECODE_PIXELS {
        return Err(format!(
            "the picture is {w} × {h} pixels, more than the {MAX_DECODE_PIXELS} Plaatwerk will decode; make it smaller first"
        ));
    }
    let mut reader =
        image::ImageReader::new(std::io::Cursor::new(&data)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(pixels * 8 + (1 << 24));
    reader.limits(limits);
    let img = reader.decode().map_err(|e| format!("the picture cannot be decoded: {e}"))?;
    let factor = (MAX_IMAGE_PIXELS as f64 / pixels as f64).sqrt();
    let (nw, nh) = (((f64::from(w) * factor).floor() as u32).max(1), ((f64::from(h) * factor).floor() as u32).max(1));
    let small = img.resize_exact(nw, nh, image::imageops::FilterType::Triangle);
    let mut out = std::io::Cursor::new(Vec::new());
    let format = if mime == "image/jpeg" { image::ImageFormat::Jpeg } else { image::ImageFormat::Png };
    let small = if mime == "image/jpeg" { image::DynamicImage::ImageRgb8(small.to_rgb8()) } else { small };
    small.write_to(&mut out, format).map_err(|e| format!("the downscaled picture cannot be encoded: {e}"))?;
    Ok(Picture { mime, data: out.into_inner(), width: nw, height: nh, downscaled_from: Some((w, h)) })
}
