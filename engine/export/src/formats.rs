//! JPEG output (PDF is vector: see `pdf.rs`).

use plaatwerk_render::RgbaImage;

/// JPEG bytes of an image, its transparency flattened onto `matte`.
pub fn encode_jpeg(img: &RgbaImage, matte: [u8; 3], quality: u8) -> Result<Vec<u8>, String> {
    let mut rgb = Vec::with_capacity(img.pixels.len() / 4 * 3);
    for p in img.pixels.chunks_exact(4) {
        let a = u32::from(p[3]);
        for k in 0..3 {
            // Straight alpha over the matte.
            rgb.push(((u32::from(p[k]) * a + u32::from(matte[k]) * (255 - a) + 127) / 255) as u8);
        }
    }
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    enc.encode(&rgb, img.width, img.height, image::ExtendedColorType::Rgb8).map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translucent_picture_is_flattened_onto_the_matte() {
        let img = RgbaImage { width: 8, height: 8, pixels: [0, 0, 0, 0].repeat(64) };
        let jpeg = encode_jpeg(&img, [255, 255, 255], 95).expect("jpeg");
        let back = image::load_from_memory(&jpeg).expect("decodes").to_rgb8();
        assert!(back.pixels().all(|p| p.0.iter().all(|c| *c > 245)), "transparent over white is white");
    }
}
