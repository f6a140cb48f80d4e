-- What a brief or a translation writes is text, as in the PDF; never markup pandoc passes on.
-- Raw HTML (pandoc's commonmark reader keeps it even with -raw_html, and the DOCX writer
-- drops it) is shown as text. Links keep only https, http and mailto targets, and pictures
-- only the charts briefkit embedded, named by the SHA-1 of their URI in the metadata field
-- briefkit-pictures: the allow-list of briefkit/sources/urls.py, applied as the PDF applies it.
-- Anything else is its text: a `javascript:`, `file:` or `data:` target never reaches Word.

local pictures = {}
local allowed_schemes = { https = true, http = true, mailto = true }

local function read_pictures(meta)
  local listed = meta["briefkit-pictures"]
  if listed then
    for digest in pandoc.utils.stringify(listed):gmatch("%x+") do
      pictures[digest] = true
    end
  end
  meta["briefkit-pictures"] = nil
  return meta
end

local function link(element)
  local scheme = element.target:match("^(%a[%w+.-]*):")
  if scheme and allowed_schemes[scheme:lower()] then
    return element
  end
  return element.content
end

local function image(element)
  if pictures[pandoc.utils.sha1(element.src)] then
    return element
  end
  return element.caption
end

local function raw_inline(element)
  return pandoc.Str(element.text)
end

local function raw_block(element)
  return pandoc.Para({ pandoc.Str((element.text:gsub("%s+$", ""))) })
end

return {
  { Meta = read_pictures },
  { Link = link, Image = image, RawInline = raw_inline, RawBlock = raw_block },
}
