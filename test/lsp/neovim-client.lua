-- Neovim's built-in LSP client (0.7 API) against the cein server: opens each file given in
-- CEIN_FILES, waits for its diagnostics, hovers the first "conv_einsum", and writes what it saw
-- as JSON to CEIN_RESULT.
local root = vim.fn.getcwd()
local published = {}

vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  published[result.uri] = result.diagnostics
  return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
end

local client_id = vim.lsp.start_client({
  name = 'cein',
  cmd = { 'node', root .. '/out/server.cjs', '--stdio' },
  root_dir = root,
})

local report = { files = {} }
for file in string.gmatch(os.getenv('CEIN_FILES'), '[^,]+') do
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buffer = vim.api.nvim_get_current_buf()
  vim.bo[buffer].filetype = 'cein'
  vim.lsp.buf_attach_client(buffer, client_id)
  local uri = vim.uri_from_bufnr(buffer)
  local arrived = vim.wait(15000, function() return published[uri] ~= nil end, 20)

  local hover_text = vim.NIL
  local lines = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
  for row, line in ipairs(lines) do
    local column = string.find(line, 'conv_einsum', 1, true)
    if column then
      local params = { textDocument = { uri = uri }, position = { line = row - 1, character = column - 1 } }
      local responses = vim.lsp.buf_request_sync(buffer, 'textDocument/hover', params, 10000) or {}
      for _, response in pairs(responses) do
        if response.result and response.result.contents then hover_text = response.result.contents.value end
      end
      break
    end
  end
  table.insert(report.files, { file = file, arrived = arrived, diagnostics = published[uri] or {}, hover = hover_text })
end

local out = io.open(os.getenv('CEIN_RESULT'), 'w')
out:write(vim.fn.json_encode(report))
out:close()
vim.lsp.stop_client(client_id)
vim.cmd('qall!')
