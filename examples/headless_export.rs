//! Builds a small plate in code, saves it, and exports it as PNG and SVG — the engine
//! without the editor.
//!
//! Run: `cargo run --example headless_export -- OUT_DIR`

use std::path::PathBuf;

use anyhow::Context as _;
use plaatwerk_export::{ExportView, Exporter};
use plaatwerk_model::{
    Align, Arrow, ArrowHead, Color, Element, ElementId, ElementKind, Plate, Rect, Region, Role, StrokeStyle, Text,
    Weight, format,
};

fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/example-out".to_owned()));
    std::fs::create_dir_all(&out).with_context(|| format!("{}: cannot create", out.display()))?;

    let mut plate = Plate::new("Van vraag naar hulp", 900.0, 360.0);
    plate.roles.push(Role { id: "inwoner".into(), name: "Inwoner".into(), color: Color::rgb(0xe7, 0x6f, 0x51) });
    let mut next = 1;
    let mut id = || {
        next += 1;
        ElementId(next - 1)
    };
    let layer = &mut plate.layers[0].elements;
    for (i, (title, fill)) in
        [("Vraag", Color::rgb(0xfd, 0xeb, 0xd3)), ("Basishulp", Color::rgb(0xdf, 0xf3, 0xef))].into_iter().enumerate()
    {
        let x = 60.0 + i as f32 * 480.0;
        layer.push(Element::new(
            id(),
            ElementKind::Rect(Rect {
                x,
                y: 100.0,
                width: 300.0,
                height: 180.0,
                radius: 24.0,
                fill: Some(plaatwerk_model::Paint::Solid(fill)),
                stroke: Some(StrokeStyle::solid(Color::rgb(0x26, 0x46, 0x53), 3.0)),
            }),
        ));
        layer.push(Element::new(
            id(),
            ElementKind::Text(Text {
                x: x + 150.0,
                y: 165.0,
                text: title.into(),
                size: 36.0,
                color: Color::rgb(0x26, 0x46, 0x53),
                align: Align::Center,
                weight: Weight::Bold,
                wrap_width: None,
            }),
        ));
    }
    let mut arrow = Element::new(
        id(),
        ElementKind::Arrow(Arrow {
            from: [370.0, 190.0],
            to: [530.0, 190.0],
            control: Some([450.0, 130.0]),
            color: Color::rgb(0xe7, 0x6f, 0x51),
            width: 5.0,
            head_start: ArrowHead::None,
            head_end: ArrowHead::Triangle,
            dashes: Vec::new(),
            label: "aanmelding".into(),
            bind_from: None,
            bind_to: None,
        }),
    );
    arrow.roles.push("inwoner".into());
    layer.push(arrow);

    let plate_path = out.join("voorbeeld.plate");
    format::save(&plate, &plate_path)?;
    let view = ExportView {
        region: Region { x: 0.0, y: 0.0, width: 900.0, height: 360.0 },
        width: 1800,
        height: 720,
        background: Some(plate.meta.background),
    };
    plaatwerk_export::export_svg(&plate, &view, &out.join("voorbeeld.svg"))?;
    let mut exporter = Exporter::new(4)?;
    exporter.export_png(&plate, &view, &out.join("voorbeeld.png"), &mut |_, _| {})?;
    println!(
        "wrote {0}/voorbeeld.plate, {0}/voorbeeld.svg and {0}/voorbeeld.png on {1}",
        out.display(),
        exporter.describe()
    );
    Ok(())
}
