-- Raw HTML in a brief or a translation is shown as text, as in the PDF; never passed through.
-- (pandoc's commonmark reader keeps raw HTML even with -raw_html, and the DOCX writer drops it.)
function RawInline(element)
  return pandoc.Str(element.text)
end

function RawBlock(element)
  return pandoc.Para({ pandoc.Str((element.text:gsub("%s+$", ""))) })
end
