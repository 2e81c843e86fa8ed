# bash completion for soma: commands, options, experiment files, plugin and
# dataset names. Installed as share/bash-completion/completions/soma; to try
# it from a build tree: source cli/soma-completion.bash
#
# The candidates come from soma itself (`soma __complete WORD...`), so they
# always match the soma being completed: its commands and options as
# declared, the plugins it finds. Lines starting with ':' ask for file names
# (compopt fails quietly outside a real completion, e.g. in tests).
_soma() {
    local cur=${COMP_WORDS[COMP_CWORD]} line
    local IFS=$'\n'
    COMPREPLY=()
    for line in $("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2> /dev/null); do
        case $line in
            :toml) COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X '!*.toml' -- "$cur"))
                compopt -o filenames 2> /dev/null ;;
            :so) COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X '!*.so' -- "$cur"))
                compopt -o filenames 2> /dev/null ;;
            :soma) COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X '!*.soma' -- "$cur"))
                compopt -o filenames 2> /dev/null ;;
            :folders) COMPREPLY+=($(compgen -d -- "$cur"))
                compopt -o filenames 2> /dev/null ;;
            :nospace) compopt -o nospace 2> /dev/null ;;
            *) COMPREPLY+=("$line") ;;
        esac
    done
}
complete -F _soma soma
