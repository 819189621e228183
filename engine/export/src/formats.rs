//! JPEG and PDF output. PDF pages hold the rendered picture (JPEG inside), at the
//! print preset's page size with its bleed, so a print shop gets exactly the pixels
//! the screen shows.

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

/// A PDF string for any text: UTF-16 with a byte-order mark, in hex.
fn pdf_text(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

/// One page of a PDF: a JPEG over the whole page.
#[derive(Debug, Clone, Copy)]
pub struct PdfPage<'a> {
    /// The picture, JPEG-encoded.
    pub jpeg: &'a [u8],
    /// Its size in pixels.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// The trimmed page in millimetres; `None` places the picture at 96 dpi.
    pub page_mm: Option<[f32; 2]>,
    /// Bleed on every side, in millimetres (the media box grows by it).
    pub bleed_mm: f32,
}

/// A one-page PDF showing a JPEG over the whole page. `page_mm` is the trimmed page;
/// with a bleed the media box grows by it on every side and the trim box marks the
/// page. Without a page size the picture is placed at 96 dpi.
pub fn pdf_with_jpeg(
    jpeg: &[u8],
    width: u32,
    height: u32,
    page_mm: Option<[f32; 2]>,
    bleed_mm: f32,
    title: &str,
) -> Vec<u8> {
    pdf_pages(&[PdfPage { jpeg, width, height, page_mm, bleed_mm }], title)
}

/// A PDF with one page per picture (a session's stops, all cut-outs of a plate).
pub fn pdf_pages(pages: &[PdfPage<'_>], title: &str) -> Vec<u8> {
    let pt = |mm: f32| mm / 25.4 * 72.0;
    let size: usize = pages.iter().map(|p| p.jpeg.len() + 1024).sum();
    let mut out: Vec<u8> = Vec::with_capacity(size + 2048);
    let mut offsets = Vec::new();
    out.extend_from_slice(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    // Objects: 1 catalog, 2 page tree, then page, picture and contents per page, then
    // the document info.
    let page_object = |k: usize| 3 + 3 * k;
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..pages.len()).map(|k| format!("{} 0 R", page_object(k))).collect();
    object(&mut out, format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).as_bytes());
    for (k, p) in pages.iter().enumerate() {
        let (media_w, media_h, bleed) = match p.page_mm {
            Some([w, h]) => (pt(w + 2.0 * p.bleed_mm), pt(h + 2.0 * p.bleed_mm), pt(p.bleed_mm)),
            None => (p.width as f32 * 0.75, p.height as f32 * 0.75, 0.0),
        };
        let n = page_object(k);
        let page = format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {mw:.3} {mh:.3}] /BleedBox [0 0 {mw:.3} {mh:.3}] \
             /TrimBox [{b:.3} {b:.3} {tw:.3} {th:.3}] /Resources << /XObject << /Im0 {img} 0 R >> >> /Contents {c} 0 R >>",
            mw = media_w,
            mh = media_h,
            b = bleed,
            tw = media_w - bleed,
            th = media_h - bleed,
            img = n + 1,
            c = n + 2,
        );
        object(&mut out, page.as_bytes());
        let mut image = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            p.width,
            p.height,
            p.jpeg.len()
        )
        .into_bytes();
        image.extend_from_slice(p.jpeg);
        image.extend_from_slice(b"\nendstream");
        object(&mut out, &image);
        let draw = format!("q {media_w:.3} 0 0 {media_h:.3} 0 0 cm /Im0 Do Q");
        let contents = format!("<< /Length {} >>\nstream\n{draw}\nendstream", draw.len());
        object(&mut out, contents.as_bytes());
    }
    let info = format!("<< /Title {} /Producer (Plaatwerk) /Creator (Plaatwerk) >>", pdf_text(title));
    object(&mut out, info.as_bytes());
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1,
            offsets.len()
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pdf_has_a_correct_cross_reference_table_and_page_size() {
        let jpeg = encode_jpeg(&RgbaImage { width: 4, height: 2, pixels: vec![200; 4 * 2 * 4] }, [255, 255, 255], 90)
            .expect("jpeg");
        let pdf = pdf_with_jpeg(&jpeg, 4, 2, Some([210.0, 297.0]), 3.0, "Casusregie — één plan");
        let text = String::from_utf8_lossy(&pdf).into_owned();
        assert!(text.starts_with("%PDF-1.7"));
        // Every object offset in the table points at "N 0 obj" (in bytes: the picture
        // is binary).
        let find = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle).expect("found");
        let start = find(b"startxref\n") + b"startxref\n".len();
        let end = start + pdf[start..].iter().position(|b| *b == b'\n').expect("line");
        let xref_at: usize = std::str::from_utf8(&pdf[start..end]).expect("ascii").parse().expect("offset");
        assert!(pdf[xref_at..].starts_with(b"xref\n0 7\n"));
        let table = std::str::from_utf8(&pdf[xref_at..]).expect("the table is ascii");
        for (n, line) in table.lines().skip(3).take(6).enumerate() {
            let off: usize = line[..10].parse().expect("offset");
            assert!(pdf[off..].starts_with(format!("{} 0 obj", n + 1).as_bytes()), "object {} at {off}", n + 1);
        }
        // A4 plus 3 mm bleed on each side: 216 × 303 mm.
        assert!(text.contains("/MediaBox [0 0 612.283 858.898]"), "{}", &text[..400]);
        assert!(text.contains("/TrimBox [8.504 8.504 603.780 850.394]"));
    }
}
