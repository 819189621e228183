//! PNG encoding.

use plaatwerk_render::RgbaImage;

/// Encodes an image as an RGBA PNG with a title and the software's name.
pub fn encode_png(img: &RgbaImage, title: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, img.width, img.height);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        enc.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
        enc.add_text_chunk("Software".to_owned(), "Plaatwerk".to_owned()).map_err(|e| e.to_string())?;
        if !title.is_empty() && title.is_ascii() {
            enc.add_text_chunk("Title".to_owned(), title.to_owned()).map_err(|e| e.to_string())?;
        }
        let mut w = enc.write_header().map_err(|e| e.to_string())?;
        w.write_image_data(&img.pixels).map_err(|e| e.to_string())?;
        w.finish().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
